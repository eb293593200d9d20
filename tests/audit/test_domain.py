"""The hash chain as pure code."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from app.audit.domain import GENESIS_HASH, event_hash, verify_links


@dataclass
class Link:
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
    hash: str = ""


def chain(n: int) -> list[Link]:
    links, prev = [], GENESIS_HASH
    for i in range(1, n + 1):
        link = Link(
            i,
            datetime(2026, 1, 1, 12, 0, i, tzinfo=UTC),
            1,
            "exporter:x",
            "step",
            "notification",
            "1",
            {"status": "a"},
            {"status": "b"},
            prev,
        )
        link.hash = event_hash(link)
        links.append(link)
        prev = link.hash
    return links


def test_intact_chain_verifies() -> None:
    report = verify_links(chain(5))
    assert report.intact and report.events == 5


def test_edited_event_is_detected() -> None:
    links = chain(5)
    links[2] = replace(links[2], after={"status": "forged"})
    report = verify_links(links)
    assert not report.intact and report.first_broken_id == 3
    assert "edited" in (report.reason or "")


def test_deleted_event_is_detected() -> None:
    links = chain(5)
    del links[1]
    report = verify_links(links)
    assert not report.intact and report.first_broken_id == 3


def test_rehashed_edit_still_breaks_the_link() -> None:
    links = chain(4)
    forged = replace(links[1], after={"status": "forged"})
    forged.hash = event_hash(forged)
    links[1] = forged
    report = verify_links(links)
    assert not report.intact and report.first_broken_id == 3
