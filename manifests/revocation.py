"""Revocation list for single documents: which (doc_id, revision) no longer stands, and why.

Published by the service next to the key set and cached by verifiers, so a cancelled movement or a
superseded revision is caught offline. ``revision`` None means every revision of the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from manifests.errors import RevocationListError
from manifests.published import dump_published, load_published

RevocationReason = Literal["cancelled", "superseded"]
REASONS = ("cancelled", "superseded")
REVOCATIONS_FORMAT = "baseltrack-revocations/1"


@dataclass(frozen=True)
class Revocation:
    doc_id: str
    revision: int | None
    reason: RevocationReason
    revoked_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "revision": self.revision,
            "reason": self.reason,
            "revoked_at": self.revoked_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, item: dict[str, Any]) -> Revocation:
        try:
            revoked_at = datetime.fromisoformat(item["revoked_at"])
            entry = cls(str(item["doc_id"]), item.get("revision"), item["reason"], revoked_at)
        except (KeyError, TypeError, ValueError) as error:
            raise RevocationListError(f"revocation entry {item!r:.80}: invalid ({error})") from None
        if entry.reason not in REASONS:
            raise RevocationListError(
                f"revocation of {entry.doc_id}: reason must be one of {REASONS}, "
                f"got {entry.reason!r}"
            )
        if entry.revision is not None and type(entry.revision) is not int:
            raise RevocationListError(f"revocation of {entry.doc_id}: revision must be an integer")
        if revoked_at.tzinfo is None:
            raise RevocationListError(
                f"revocation of {entry.doc_id}: revoked_at needs a UTC offset"
            )
        return entry


@dataclass(frozen=True)
class RevocationList:
    entries: tuple[Revocation, ...] = ()
    issued_at: datetime | None = None

    def __post_init__(self) -> None:
        index = {(entry.doc_id, entry.revision): entry for entry in self.entries}
        object.__setattr__(self, "_index", index)

    def find(self, doc_id: str, revision: int) -> Revocation | None:
        """The entry for this exact revision, else one for every revision of the document."""
        index: dict[tuple[str, int | None], Revocation] = self._index  # type: ignore[attr-defined]
        return index.get((doc_id, revision)) or index.get((doc_id, None))

    def with_entry(
        self,
        doc_id: str,
        revision: int | None,
        reason: RevocationReason,
        revoked_at: datetime | None = None,
    ) -> RevocationList:
        entry = Revocation(doc_id, revision, reason, revoked_at or datetime.now(UTC))
        return RevocationList((*self.entries, entry), entry.revoked_at)

    def to_json(self) -> str:
        body = {
            "format": REVOCATIONS_FORMAT,
            "issued_at": self.issued_at.isoformat() if self.issued_at else None,
            "entries": [entry.to_dict() for entry in self.entries],
        }
        return dump_published(body)

    @classmethod
    def from_json(cls, text: str | bytes) -> RevocationList:
        body, items = load_published(
            text, "revocation list", REVOCATIONS_FORMAT, "entries", RevocationListError
        )
        issued = body.get("issued_at")
        try:
            issued_at = datetime.fromisoformat(issued) if issued else None
        except (TypeError, ValueError):
            raise RevocationListError(
                f"revocation list issued_at is not a time: {issued!r}"
            ) from None
        return cls(tuple(Revocation.from_dict(item) for item in items), issued_at)
