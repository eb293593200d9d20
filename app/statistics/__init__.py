"""Figures: quantities notified, consented, shipped and received; the Basel Art. 13 tables."""
