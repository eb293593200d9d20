"""Append-only audit trail, chained by SHA-256 so an edited or deleted event is detected."""
