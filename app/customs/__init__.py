"""Customs exchange: declarations received from national systems, and where consent data goes."""
