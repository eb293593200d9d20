"""Two ``baseltrack serve`` processes, one database, one key folder: the service keeps no state
of its own, so whichever process answers, the answer is the same.

On PostgreSQL (``BASELTRACK_TEST_DATABASE_URL``) both processes share a fresh database on that
server; on the default SQLite run they share one SQLite file, which SQLite supports across
processes (WAL, one writer at a time) — the same checks run on both backends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.demo import DemoWorld
from manifests.keys import KeySet
from manifests.verify import verify
from tests.factories import (
    bearer,
    consented_notification,
    create_movement,
    movement_body,
    post,
    scan,
)
from tests.resilience.processes import (
    RoundRobin,
    ServerProcess,
    as_test_client,
    http_client,
    run_cli,
    running,
    seed_demo,
)

ISSUER = "MY-DOE"  # the authority of export, which signs the movement documents


@dataclass
class Pair:
    world: DemoWorld
    database_url: str
    key_dir: Path
    a: httpx.Client
    b: httpx.Client
    both: httpx.Client  # alternates between A and B, request by request
    transport: RoundRobin


@pytest.fixture(scope="module")
def pair(own_database: str, key_dir: Path, logs: Path) -> Iterator[Pair]:
    world = seed_demo(own_database)
    servers = [ServerProcess(own_database, key_dir, logs / f"{name}.log") for name in "ab"]
    with running(servers):
        transport = RoundRobin([s.port for s in servers])
        with (
            http_client(servers[0].url) as a,
            http_client(servers[1].url) as b,
            http_client("http://127.0.0.1", transport) as both,
        ):
            yield Pair(world, own_database, key_dir, a, b, both, transport)


def _get(client: httpx.Client, world: DemoWorld, who: str, path: str) -> Any:
    r = client.get(path, headers=bearer(world.tokens[who]))
    assert r.status_code == 200, r.text
    return r.json()


def _announced(p: Pair, via: httpx.Client, notification_id: int) -> dict[str, Any]:
    m = create_movement(as_test_client(via), p.world, notification_id)
    r = post(as_test_client(via), p.world, "exporter_my", f"/movements/{m['id']}/announce")
    assert r.status_code == 200, r.text
    return dict(r.json())


def _keyset(client: httpx.Client) -> KeySet:
    return KeySet.from_json(client.get("/.well-known/baseltrack/keyset.json").text)


def _active_kid(keyset: KeySet, issuer: str) -> str:
    active = [e for e in keyset.entries if e.issuer == issuer and e.status == "active"]
    assert len(active) == 1, keyset.to_json()
    return active[0].kid.hex()


def test_the_basel_flow_alternating_between_processes_reads_the_same_everywhere(
    pair: Pair,
) -> None:
    served_before = sum(pair.transport.served.values())
    n = consented_notification(as_test_client(pair.both), pair.world)
    assert set(pair.transport.served) == set(pair.transport.ports)  # both took part
    assert sum(pair.transport.served.values()) - served_before >= 8
    path = f"/notifications/{n['id']}"
    for who in ("exporter_my", "authority_kr", "authority_sg"):
        via_a, via_b = (_get(c, pair.world, who, path) for c in (pair.a, pair.b))
        assert via_a == via_b
        assert via_a["status"] == "consented"
    decisions = _get(pair.b, pair.world, "exporter_my", path)["decisions"]
    assert {d["country"]: d["status"] for d in decisions} == {"SG": "consented", "KR": "consented"}
    assert _get(pair.a, pair.world, "exporter_my", f"{path}/history") == _get(
        pair.b, pair.world, "exporter_my", f"{path}/history"
    )
    listing = [_get(c, pair.world, "exporter_my", "/notifications") for c in (pair.a, pair.b)]
    assert listing[0] == listing[1] and n["id"] in {x["id"] for x in listing[0]}


def test_a_document_signed_by_one_process_verifies_at_the_other(pair: Pair) -> None:
    n = consented_notification(as_test_client(pair.both), pair.world)
    m = _announced(pair, pair.a, n["id"])  # created and signed by A
    exit_ = scan(as_test_client(pair.b), pair.world, "customs_my", m["qr_text"], "MYPKG", "exit")
    assert exit_["verdict"] == "valid", exit_["reasons"]
    assert exit_["authentic"] and exit_["crossing_recorded"]
    entry = scan(as_test_client(pair.a), pair.world, "customs_kr", m["qr_text"], "KRPUS", "entry")
    assert entry["verdict"] == "valid", entry["reasons"]
    via_a, via_b = (
        _get(c, pair.world, "authority_my", f"/movements/{m['id']}") for c in (pair.a, pair.b)
    )
    assert via_a == via_b
    assert [(c["country"], c["direction"]) for c in via_b["crossings"]] == [
        ("MY", "exit"),
        ("KR", "entry"),
    ]


def test_a_key_rotation_by_the_cli_is_seen_by_both_without_restart(pair: Pair) -> None:
    n = consented_notification(as_test_client(pair.both), pair.world)
    before = _announced(pair, pair.a, n["id"])  # makes sure MY-DOE has a key
    old_kid = _active_kid(_keyset(pair.a), ISSUER)

    done = run_cli(pair.database_url, pair.key_dir, "keys", "rotate", ISSUER)
    assert done.returncode == 0, done.stderr

    keysets = [_keyset(c) for c in (pair.a, pair.b)]
    new_kid = _active_kid(keysets[0], ISSUER)
    assert new_kid != old_kid and _active_kid(keysets[1], ISSUER) == new_kid
    after = _announced(pair, pair.b, n["id"])  # signed by B with the new key
    assert verify(after["qr_text"], keysets[0]).kid == new_kid
    for who, doc, office in (("customs_my", after, "MYPKG"), ("customs_my", before, "MYPKG")):
        verdict = scan(as_test_client(pair.a), pair.world, who, doc["qr_text"], office, "exit")
        assert verdict["verdict"] == "valid", verdict["reasons"]  # the retired key still verifies
    assert verify(before["qr_text"], keysets[1]).kid == old_kid


def test_concurrent_last_quantity_through_both_processes_never_exceeds_the_consent(
    pair: Pair,
) -> None:
    """Twelve 30 t loads against a 240 t consent, sent at once through A and B: eight fit."""
    n = consented_notification(as_test_client(pair.both), pair.world)
    requests = 12
    start = threading.Barrier(requests, timeout=30)
    answers: list[httpx.Response | None] = [None] * requests

    def create(i: int) -> None:
        via = (pair.a, pair.b)[i % 2]
        start.wait()
        answers[i] = post(
            as_test_client(via),
            pair.world,
            "exporter_my",
            f"/notifications/{n['id']}/movements",
            movement_body(pair.world, quantity="30"),
        )

    threads = [threading.Thread(target=create, args=(i,)) for i in range(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    statuses = sorted(r.status_code for r in answers if r is not None)
    assert statuses == [201] * 8 + [422] * 4, [r.text for r in answers if r is not None]
    for refused in (r for r in answers if r is not None and r.status_code == 422):
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["errors"][0]["rule"] == "shipment.quantity_exceeded"
    saved = _get(pair.b, pair.world, "exporter_my", f"/notifications/{n['id']}/movements")
    assert sum(Decimal(m["quantity"]) for m in saved) == Decimal(n["quantity"])
    assert sorted(m["shipment_no"] for m in saved) == list(range(1, 9))
