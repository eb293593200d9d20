"""Organisations named on the forms: notifiers, generators, consignees, facilities, carriers."""
