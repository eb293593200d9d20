"""Notifications: the prior informed consent procedure of one planned movement of waste."""
