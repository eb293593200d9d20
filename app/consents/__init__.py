"""Consents: each state's decision (consent, objection, tacit consent) on a notification."""
