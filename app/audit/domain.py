"""The hash chain, as pure functions: what is hashed and how a sequence of events is checked."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol

GENESIS_HASH = "0" * 64


def to_jsonable(value: Any) -> Any:
    """Plain JSON values only (str for dates and decimals), so what is hashed is what is stored."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class ChainLink(Protocol):
    id: int
    at: datetime
    actor_id: int | None
    actor: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    prev_hash: str
    hash: str


def event_hash(link: ChainLink) -> str:
    body = {
        "id": link.id,
        "at": link.at.isoformat(timespec="microseconds"),
        "actor_id": link.actor_id,
        "actor": link.actor,
        "action": link.action,
        "object_type": link.object_type,
        "object_id": link.object_id,
        "before": link.before,
        "after": link.after,
        "prev_hash": link.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    events: int
    first_broken_id: int | None = None
    reason: str | None = None
    #: Events committed but not yet chained (normally sealed within milliseconds).
    staged: int = 0

    def with_staged(self, staged: int) -> ChainReport:
        return replace(self, staged=staged)

    def as_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "events": self.events,
            "first_broken_id": self.first_broken_id,
            "reason": self.reason,
            "staged": self.staged,
        }


def verify_links(links: Iterable[ChainLink]) -> ChainReport:
    """Ids run from 1 without gaps; each hash matches its content and links to the one before."""
    expected_prev, expected_id, count = GENESIS_HASH, 1, 0
    for link in links:
        count += 1
        if link.id != expected_id:
            return ChainReport(False, count, link.id, f"event {expected_id} is missing")
        if link.prev_hash != expected_prev:
            return ChainReport(False, count, link.id, "does not link to the event before it")
        if event_hash(link) != link.hash:
            return ChainReport(False, count, link.id, "content does not match its hash (edited)")
        expected_prev, expected_id = link.hash, expected_id + 1
    return ChainReport(True, count)
