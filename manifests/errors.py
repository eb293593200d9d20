"""Exceptions of the manifests package.

The package must work offline (a verifier at a border post has no server), so it does not import the
service's error classes. Each class says which part failed; the service maps them to its own errors.
Every message names the field, the rule and the value so a person can act on it.
"""

from __future__ import annotations


class ManifestError(ValueError):
    """Base of every error this package raises on purpose."""


class InvalidClaims(ManifestError):
    """A claim value breaks a rule of the payload format (docs/qr-payload.md)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class MalformedPayload(ManifestError):
    """The QR text is not a readable BT1 payload (prefix, base45, zlib, CBOR or COSE layer)."""


class KeyStoreError(ManifestError):
    """A key, key set or key folder is missing, unreadable or used against its status."""


class RevocationListError(ManifestError):
    """A revocation list file is not in the documented JSON format."""


class NoQrCodeFound(ManifestError):
    """A file was read but no QR code could be decoded from it."""


class UnreadableFile(ManifestError):
    """A file is missing or is not a PNG, JPEG or PDF that can be opened."""
