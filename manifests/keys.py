"""Signing keys, the published key set, and a folder-backed key store.

The key set is what the service publishes at a well-known URL and verifiers cache offline. A key is
``active`` (signs new documents), ``retired`` (signs nothing new; documents it signed before
``not_after`` keep verifying until they expire) or ``revoked`` (nothing it signed verifies).
Key id (kid) = first 8 bytes of SHA-256 of the raw 32-byte Ed25519 public key.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from nacl.bindings import crypto_sign_ed25519_pk_to_curve25519

from manifests.errors import KeyStoreError
from manifests.published import dump_published, load_published

KeyStatus = Literal["active", "retired", "revoked"]
KEY_STATUSES = ("active", "retired", "revoked")
KEYSET_FORMAT = "baseltrack-keyset/1"
_COUNTRY = re.compile(r"[A-Z]{2}")


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> bytes:
    """First 8 bytes of SHA-256 of the raw public key (as the EU DCC does for certificates)."""
    return hashlib.sha256(_raw_public(public_key)).digest()[:8]


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _check_country(country: str) -> None:
    if not isinstance(country, str) or not _COUNTRY.fullmatch(country):
        raise KeyStoreError(
            f"country must be an ISO 3166-1 alpha-2 code like 'DE', got {country!r}"
        )


@dataclass(frozen=True)
class SigningKey:
    """A private Ed25519 key of one issuer (a competent authority id such as "DE-UBA")."""

    kid: bytes
    issuer: str
    country: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls, issuer: str, country: str) -> SigningKey:
        _check_country(country)
        private_key = Ed25519PrivateKey.generate()
        return cls(key_id(private_key.public_key()), issuer, country, private_key)

    def public_entry(
        self, not_before: datetime | None = None, status: KeyStatus = "active"
    ) -> PublicKeyEntry:
        """The key-set entry that lets verifiers check what this key signs."""
        return PublicKeyEntry(
            kid=self.kid,
            issuer=self.issuer,
            country=self.country,
            public_key=self.private_key.public_key(),
            not_before=not_before or _now(),
            not_after=None,
            status=status,
        )


@dataclass(frozen=True)
class PublicKeyEntry:
    """One published verification key. ``not_after`` is set when the key stops signing."""

    kid: bytes
    issuer: str
    country: str
    public_key: Ed25519PublicKey
    not_before: datetime
    not_after: datetime | None
    status: KeyStatus

    @cached_property
    def raw_public_key(self) -> bytes:
        """The 32 bytes a signature is checked against (``cose.Sign1.verify``), computed once."""
        return _raw_public(self.public_key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kid": self.kid.hex(),
            "issuer": self.issuer,
            "country": self.country,
            "alg": "EdDSA",
            "public_key": base64.b64encode(_raw_public(self.public_key)).decode("ascii"),
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat() if self.not_after else None,
            "status": self.status,
        }

    @classmethod
    def from_dict(cls, item: dict[str, Any]) -> PublicKeyEntry:
        """Parse one key-set entry; every rule broken is reported with the key's kid."""
        kid_text = str(item.get("kid", "?"))
        try:
            public_key = Ed25519PublicKey.from_public_bytes(
                base64.b64decode(item["public_key"], validate=True)
            )
            entry = cls(
                kid=bytes.fromhex(item["kid"]),
                issuer=str(item["issuer"]),
                country=str(item["country"]),
                public_key=public_key,
                not_before=_parse_time(item["not_before"]),
                not_after=_parse_time(item["not_after"]) if item.get("not_after") else None,
                status=item["status"],
            )
        except (KeyError, TypeError, ValueError) as error:
            raise KeyStoreError(
                f"key set entry {kid_text}: missing or invalid field ({error})"
            ) from None
        if item.get("alg", "EdDSA") != "EdDSA":
            raise KeyStoreError(
                f"key set entry {kid_text}: alg must be 'EdDSA', got {item['alg']!r}"
            )
        if entry.status not in KEY_STATUSES:
            raise KeyStoreError(
                f"key set entry {kid_text}: status must be one of {KEY_STATUSES}, "
                f"got {entry.status!r}"
            )
        if entry.kid != key_id(public_key):
            raise KeyStoreError(
                f"key set entry {kid_text}: kid is not SHA-256(public key)[:8] = "
                f"{key_id(public_key).hex()}"
            )
        if not _is_strong(entry.raw_public_key):
            raise KeyStoreError(
                f"key set entry {kid_text}: the public key is a small-order or invalid point, "
                "which could vouch for forged codes; ask its issuer for a real key"
            )
        return entry


def _is_strong(raw_public_key: bytes) -> bool:
    """Whether a key is a valid Ed25519 point outside the small-order subgroup. libsodium's
    conversion to X25519 refuses exactly the keys it would refuse to verify with."""
    try:
        crypto_sign_ed25519_pk_to_curve25519(raw_public_key)
    except RuntimeError:  # PyNaCl's error when libsodium returns -1
        return False
    return True


def _parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"time {text!r} has no UTC offset")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class KeySet:
    """All published verification keys, looked up by kid."""

    entries: tuple[PublicKeyEntry, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_kid", {entry.kid: entry for entry in self.entries})

    def find(self, kid: bytes) -> PublicKeyEntry | None:
        by_kid: dict[bytes, PublicKeyEntry] = self._by_kid  # type: ignore[attr-defined]
        return by_kid.get(kid)

    def with_entry(self, entry: PublicKeyEntry) -> KeySet:
        """A new key set with ``entry`` added, or replacing the entry with the same kid."""
        kept = tuple(e for e in self.entries if e.kid != entry.kid)
        return KeySet((*kept, entry))

    def to_json(self) -> str:
        body = {"format": KEYSET_FORMAT, "keys": [entry.to_dict() for entry in self.entries]}
        return dump_published(body)

    @classmethod
    def from_json(cls, text: str | bytes) -> KeySet:
        _, items = load_published(text, "key set", KEYSET_FORMAT, "keys", KeyStoreError)
        return cls(tuple(PublicKeyEntry.from_dict(item) for item in items))


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write via a temp file in the same folder and rename: readers see the old or the new file."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class KeyStore:
    """Keys in a folder: ``<kid hex>.pem`` private keys (mode 0600) and the public ``keyset.json``.

    Changes take an exclusive lock on ``.lock`` so two processes cannot lose each other's update;
    readers need no lock because every file is replaced by rename.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.keyset_path = self.folder / "keyset.json"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.folder / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def keyset(self) -> KeySet:
        if not self.keyset_path.exists():
            return KeySet()
        return KeySet.from_json(self.keyset_path.read_bytes())

    def _save(self, keyset: KeySet) -> None:
        write_atomically(self.keyset_path, keyset.to_json().encode("utf-8"))

    def _add_new_key(self, keyset: KeySet, issuer: str, country: str) -> tuple[SigningKey, KeySet]:
        key = SigningKey.generate(issuer, country)
        pem = key.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # The private key lands before the key set names it, so no reader sees a kid without a key.
        write_atomically(self.folder / f"{key.kid.hex()}.pem", pem, mode=0o600)
        return key, keyset.with_entry(key.public_entry())

    def _active_entry(self, keyset: KeySet, issuer: str) -> PublicKeyEntry | None:
        active = [e for e in keyset.entries if e.issuer == issuer and e.status == "active"]
        return active[0] if active else None

    def issue(self, issuer: str, country: str) -> SigningKey:
        """Create the first active key of an issuer; an issuer with an active key must rotate()."""
        with self._locked():
            keyset = self.keyset()
            if self._active_entry(keyset, issuer):
                raise KeyStoreError(f"issuer {issuer!r} already has an active key; use rotate()")
            key, keyset = self._add_new_key(keyset, issuer, country)
            self._save(keyset)
            return key

    def rotate(self, issuer: str) -> SigningKey:
        """New active key; the previous one becomes retired (its documents keep verifying)."""
        with self._locked():
            keyset = self.keyset()
            previous = self._active_entry(keyset, issuer)
            if previous is None:
                raise KeyStoreError(f"issuer {issuer!r} has no active key to rotate; use issue()")
            key, keyset = self._add_new_key(keyset, issuer, previous.country)
            keyset = keyset.with_entry(replace(previous, status="retired", not_after=_now()))
            self._save(keyset)
            return key

    def revoke(self, kid: bytes | str) -> PublicKeyEntry:
        """Revoke a key: nothing it signed verifies any more, whatever the document dates say."""
        kid_bytes = bytes.fromhex(kid) if isinstance(kid, str) else kid
        with self._locked():
            keyset = self.keyset()
            entry = keyset.find(kid_bytes)
            if entry is None:
                raise KeyStoreError(f"no key with kid {kid_bytes.hex()} in {self.keyset_path}")
            revoked = replace(entry, status="revoked", not_after=entry.not_after or _now())
            self._save(keyset.with_entry(revoked))
            return revoked

    def active_key(self, issuer: str) -> SigningKey:
        entry = self._active_entry(self.keyset(), issuer)
        if entry is None:
            raise KeyStoreError(f"issuer {issuer!r} has no active key in {self.keyset_path}")
        path = self.folder / f"{entry.kid.hex()}.pem"
        try:
            private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (OSError, ValueError) as error:
            raise KeyStoreError(f"private key {path} cannot be read: {error}") from None
        if not isinstance(private_key, Ed25519PrivateKey):
            raise KeyStoreError(f"private key {path} is not an Ed25519 key")
        return SigningKey(entry.kid, entry.issuer, entry.country, private_key)
