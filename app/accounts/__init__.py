"""Accounts, roles and API tokens: who the caller is and where they belong."""
