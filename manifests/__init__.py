"""Signed QR payloads and PDF documents for notifications and movement documents."""
