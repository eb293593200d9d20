"""Offline verification of a BT1 QR text against a cached key set and revocation list.

Pure: no network, no clock unless ``today`` is left out. Never raises: every hostile input
(truncated, corrupted, oversize, zlib bomb, CBOR garbage, foreign key) becomes a Verdict with a
status and a sentence a customs officer can read out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from manifests.claims import ManifestClaims, claims_from_cbor
from manifests.cose import parse_sign1
from manifests.errors import ManifestError
from manifests.keys import KeySet
from manifests.payload import unwrap
from manifests.revocation import RevocationList

VerdictStatus = Literal[
    "valid",
    "expired",
    "not_yet_valid",
    "superseded",
    "revoked_document",
    "revoked_key",
    "unknown_key",
    "bad_signature",
    "malformed",
]

#: The statuses that depend on the date, reached only once key and revocations were checked.
_DATED = frozenset({"valid", "expired", "not_yet_valid"})


@dataclass(frozen=True)
class Verdict:
    """``authentic``: signed by a key set key allowed to sign it. ``ok``: authentic and valid."""

    authentic: bool
    status: VerdictStatus
    reasons: list[str] = field(default_factory=list)
    claims: ManifestClaims | None = None
    kid: str | None = None

    @property
    def ok(self) -> bool:
        return self.authentic and self.status == "valid"

    def on(self, today: date) -> Verdict:
        """The same verdict judged on another date, e.g. the border's own once its time zone is
        known: only the validity dates depend on it."""
        if self.claims is None or self.kid is None or self.status not in _DATED:
            return self
        return _document_verdict(self.claims, self.kid, None, today)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "authentic": self.authentic,
            "status": self.status,
            "reasons": list(self.reasons),
            "claims": self.claims.as_dict() if self.claims else None,
            "kid": self.kid,
        }


def verify(
    text: str,
    keyset: KeySet,
    revocations: RevocationList | None = None,
    *,
    today: date | None = None,
) -> Verdict:
    """Check signature, key status, document revocation and validity dates, in that order."""
    try:
        return _verify(text, keyset, revocations, today or datetime.now(UTC).date())
    except ManifestError as error:
        return Verdict(False, "malformed", [f"The code cannot be read: {error}."])
    except Exception as error:  # last line of defence: hostile input must not crash a verifier
        return Verdict(False, "malformed", [f"The code cannot be read ({type(error).__name__})."])


def _verify(text: str, keyset: KeySet, revocations: RevocationList | None, today: date) -> Verdict:
    message = parse_sign1(unwrap(text))
    kid = message.kid.hex()
    entry = keyset.find(message.kid)
    if entry is None:
        return Verdict(
            False,
            "unknown_key",
            [f"Key {kid} is not in the key set; refresh the key set or treat the code as foreign."],
            kid=kid,
        )
    if not message.verify(entry.raw_public_key):
        return Verdict(
            False,
            "bad_signature",
            [f"The signature does not match key {kid} of {entry.issuer}: the code was altered."],
            kid=kid,
        )
    claims = claims_from_cbor(message.payload)
    if claims.issuer != entry.issuer:
        return Verdict(
            False,
            "unknown_key",
            [f"Key {kid} belongs to {entry.issuer}, but the code claims issuer {claims.issuer}."],
            claims,
            kid,
        )
    key_problem = _key_problem(entry.status, entry.not_before, entry.not_after, claims, kid)
    if key_problem:
        return Verdict(False, "revoked_key", [key_problem], claims, kid)
    return _document_verdict(claims, kid, revocations, today)


def _key_problem(
    status: str,
    not_before: datetime,
    not_after: datetime | None,
    claims: ManifestClaims,
    kid: str,
) -> str | None:
    """Why this key may not vouch for this document, or None when it may."""
    if status == "revoked":
        return f"Key {kid} of {claims.issuer} has been revoked; nothing it signed is valid."
    if claims.issued_at < not_before.replace(microsecond=0):
        return (
            f"The code says it was issued {claims.issued_at:%Y-%m-%d %H:%M}Z, "
            f"before key {kid} existed."
        )
    if not_after is not None and claims.issued_at > not_after:
        return (
            f"Key {kid} stopped signing at {not_after:%Y-%m-%d %H:%M}Z, but the code says it was "
            f"issued later ({claims.issued_at:%Y-%m-%d %H:%M}Z)."
        )
    return None


def _document_verdict(
    claims: ManifestClaims, kid: str, revocations: RevocationList | None, today: date
) -> Verdict:
    label = _label(claims)
    revoked = revocations.find(claims.doc_id, claims.revision) if revocations else None
    if revoked is not None and revoked.reason == "superseded":
        return Verdict(
            True,
            "superseded",
            [f"{label} revision {claims.revision} was superseded; ask for the current revision."],
            claims,
            kid,
        )
    if revoked is not None:
        return Verdict(
            True,
            "revoked_document",
            [f"{label} was cancelled on {revoked.revoked_at:%Y-%m-%d}."],
            claims,
            kid,
        )
    if today < claims.valid_from:
        return Verdict(
            True, "not_yet_valid", [f"{label} is valid from {claims.valid_from}."], claims, kid
        )
    if today > claims.valid_to:
        return Verdict(True, "expired", [f"{label} expired on {claims.valid_to}."], claims, kid)
    return Verdict(
        True,
        "valid",
        [f"{label} is authentic (key {kid} of {claims.issuer}) and valid until {claims.valid_to}."],
        claims,
        kid,
    )


def _label(claims: ManifestClaims) -> str:
    if claims.kind == "M":
        return (
            f"Movement {claims.shipment_no}/{claims.shipments_total} "
            f"of notification {claims.notification_no}"
        )
    return f"Notification {claims.notification_no}"
