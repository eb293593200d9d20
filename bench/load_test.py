"""Mixed load on the whole service: many concurrent clients filing, deciding, shipping, scanning,
reading and searching, against PostgreSQL with the service in several worker processes.

Run: ``.venv/bin/python -m bench.load_test [--clients 200] [--seconds 60] [--workers 2]
[--consents 40] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]``
(``--database-url sqlite`` uses a SQLite file instead). Smoke run: ``--clients 20 --seconds 5``.

A fresh database is created on the server for the run and dropped at the end. The service runs
as ``baseltrack serve --workers N`` on loopback; the load generator (one asyncio process) shares
the machine with it and with PostgreSQL, so the CPU use of the machine is printed too.

Each client loops, choosing by weight: file a notification; take its own notification one PIC
step further (submit, transmit, acknowledge, consents, contract, guarantee — each a decision);
create a movement under one of the ``--consents`` open consents and announce it; scan a
movement document announced earlier (first exit scan: signature, record, crossing, audit); read
a notification; search (``GET /search/movements`` with a status, country+role or party filter,
first pages with facets). Any answer other than the expected status is an error; zero are expected.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from app.audit import service as audit
from app.core.db import make_engine, make_session_factory, unit_of_work
from app.demo import DemoWorld
from tests.factories import bearer, lead_acid_notification, movement_body
from tests.resilience.flows import consent_steps
from tests.resilience.processes import ServerProcess, fresh_database, running, seed_demo

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REQUEST_TIMEOUT_S = 30.0
#: How often each operation is chosen (a client with no notification in progress files one).
WEIGHTS = {"file": 10, "decide": 20, "create": 15, "scan": 15, "read": 25, "search": 15}
#: A consent big enough never to run out during a run (tonnes, shipments).
OPEN_CONSENT: dict[str, Any] = {"quantity": "10000000.000", "intended_shipments": 100_000}


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    flagged_scans: int = 0


@dataclass
class Shared:
    """What clients hand each other: consents to ship under, documents to scan, ids to read."""

    world: DemoWorld
    consents: list[int]
    to_scan: list[str] = field(default_factory=list)
    known: list[int] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)


async def timed(
    shared: Shared, op: str, expected: int, call: Any, *args: Any, **kwargs: Any
) -> httpx.Response | None:
    """One request, its latency recorded under ``op``; None (and an error noted) if unexpected."""
    start = time.perf_counter()
    try:
        r: httpx.Response = await call(*args, **kwargs)
    except httpx.HTTPError as exc:
        shared.stats.errors.append(f"{op}: {type(exc).__name__} {exc}")
        return None
    shared.stats.latencies[op].append(time.perf_counter() - start)
    if r.status_code != expected:
        shared.stats.errors.append(f"{op}: {r.status_code} {r.text[:300]}")
        return None
    return r


class Client:
    """One virtual user; owns the notifications it files, so its decisions never collide."""

    def __init__(self, http: httpx.AsyncClient, shared: Shared, seed: int) -> None:
        self.http, self.shared, self.random = http, shared, random.Random(seed)
        self.steps = consent_steps(shared.world)
        self.in_progress: list[tuple[int, int]] = []  # (notification id, next step index)

    def _as(self, who: str) -> dict[str, str]:
        return bearer(self.shared.world.tokens[who])

    async def file(self) -> None:
        body = lead_acid_notification(self.shared.world)
        r = await timed(
            self.shared, "file", 201, self.http.post, "/notifications", json=body,
            headers=self._as("exporter_my"),
        )  # fmt: skip
        if r is not None:
            self.in_progress.append((r.json()["id"], 0))
            self.shared.known.append(r.json()["id"])

    async def decide(self) -> None:
        if not self.in_progress:
            await self.file()
            return
        nid, index = self.in_progress.pop(0)
        who, step, body = self.steps[index]
        path = f"/notifications/{nid}/{step}"
        r = await timed(
            self.shared, "decide", 200, self.http.post, path, json=body, headers=self._as(who)
        )
        if r is not None and index + 1 < len(self.steps):
            self.in_progress.append((nid, index + 1))

    async def create(self) -> None:
        nid = self.random.choice(self.shared.consents)
        body = movement_body(self.shared.world, quantity="1.000")
        path = f"/notifications/{nid}/movements"
        exporter = self._as("exporter_my")
        r = await timed(
            self.shared, "create", 201, self.http.post, path, json=body, headers=exporter
        )
        if r is None:
            return
        announce = f"/movements/{r.json()['id']}/announce"
        r = await timed(self.shared, "announce", 200, self.http.post, announce, headers=exporter)
        if r is not None:
            self.shared.to_scan.append(r.json()["qr_text"])

    async def scan(self) -> None:
        if not self.shared.to_scan:
            await self.create()
            return
        qr = self.shared.to_scan.pop(self.random.randrange(len(self.shared.to_scan)))
        body = {"qr_text": qr, "office": "MYPKG", "direction": "exit"}
        r = await timed(
            self.shared, "scan", 200, self.http.post, "/scans", json=body,
            headers=self._as("customs_my"),
        )  # fmt: skip
        if r is not None and r.json()["verdict"] != "valid":
            self.shared.stats.flagged_scans += 1
            self.shared.stats.errors.append(f"scan: flagged {r.json()['reasons']}")

    async def read(self) -> None:
        nid = self.random.choice(self.shared.known)
        await timed(
            self.shared, "read", 200, self.http.get, f"/notifications/{nid}",
            headers=self._as("exporter_my"),
        )  # fmt: skip

    async def search(self) -> None:
        who, filters = self.random.choice(
            [
                ("authority_kr", {"status": "announced"}),
                ("inspector_my", {"country": "SG", "role": "transit"}),
                ("exporter_my", {"party": "onsan"}),
            ]
        )
        await timed(
            self.shared, "search", 200, self.http.get, "/search/movements",
            params={"limit": 20, **filters}, headers=self._as(who),
        )  # fmt: skip

    async def run(self, until: float) -> None:
        ops = list(WEIGHTS)
        weights = [WEIGHTS[o] for o in ops]
        while time.perf_counter() < until:
            await getattr(self, self.random.choices(ops, weights)[0])()


async def open_consents(http: httpx.AsyncClient, world: DemoWorld, count: int) -> list[int]:
    """``count`` notifications carried to 'consented' with room for every shipment of the run."""
    steps = consent_steps(world)

    async def one() -> int:
        body = lead_acid_notification(world, **OPEN_CONSENT)
        r = await http.post(
            "/notifications", json=body, headers=bearer(world.tokens["exporter_my"])
        )
        r.raise_for_status()
        nid = int(r.json()["id"])
        for who, step, step_body in steps:
            path = f"/notifications/{nid}/{step}"
            done = await http.post(path, json=step_body, headers=bearer(world.tokens[who]))
            done.raise_for_status()
        return nid

    return list(await asyncio.gather(*(one() for _ in range(count))))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000.0


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the machine since boot, all cores (from /proc/stat)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    idle = ticks[3] + ticks[4]
    return float(sum(ticks) - idle), float(sum(ticks))


def process_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) used so far by these processes."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def report(stats: Stats, elapsed: float, cpu: str, args: argparse.Namespace) -> int:
    total = sum(len(v) for v in stats.latencies.values())
    print(
        f"\n{args.clients} clients, {elapsed:.1f} s, {args.workers} worker process(es), "
        f"backend {args.backend}, {os.cpu_count()} cores; CPU in cores: {cpu}"
    )
    print(f"{'operation':<10} {'count':>7} {'per s':>8} {'p50 ms':>8} {'p90 ms':>8} "
          f"{'p99 ms':>8} {'max ms':>8}")  # fmt: skip
    for op in [*WEIGHTS, "announce"]:
        values = stats.latencies.get(op, [])
        if not values:
            continue
        print(
            f"{op:<10} {len(values):>7} {len(values) / elapsed:>8.1f} "
            f"{percentile(values, 0.50):>8.1f} {percentile(values, 0.90):>8.1f} "
            f"{percentile(values, 0.99):>8.1f} {max(values) * 1000:>8.1f}"
        )
    every = [v for values in stats.latencies.values() for v in values]
    print(
        f"{'all':<10} {total:>7} {total / elapsed:>8.1f} {percentile(every, 0.5):>8.1f} "
        f"{percentile(every, 0.9):>8.1f} {percentile(every, 0.99):>8.1f} {max(every) * 1000:>8.1f}"
    )
    print(f"errors: {len(stats.errors)}")
    for line in stats.errors[:10]:
        print("  " + line)
    return 1 if stats.errors else 0


async def load(args: argparse.Namespace, base_url: str, world: DemoWorld) -> tuple[Stats, float]:
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=REQUEST_TIMEOUT_S
    ) as http:
        shared = Shared(world, await open_consents(http, world, args.consents))
        shared.known.extend(shared.consents)
        clients = [Client(http, shared, seed) for seed in range(args.clients)]
        start = time.perf_counter()
        await asyncio.gather(*(c.run(start + args.seconds) for c in clients))
        return shared.stats, time.perf_counter() - start


def check_audit(url: str) -> None:
    engine = make_engine(url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            chain = audit.verify(session=session)
    finally:
        engine.dispose()
    print(f"audit chain after the run: {chain.as_dict()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--consents", type=int, default=40, help="open consents to ship under")
    parser.add_argument("--database-url", default=DEFAULT_SERVER, help="server URL, or 'sqlite'")
    args = parser.parse_args(argv)
    server_url = None if args.database_url == "sqlite" else args.database_url
    args.backend = "SQLite" if server_url is None else "PostgreSQL"
    with tempfile.TemporaryDirectory(prefix="bt-load-") as tmp:
        folder = Path(tmp)
        with fresh_database(server_url, folder) as url:
            world = seed_demo(url)
            (folder / "keys").mkdir()
            server = ServerProcess(url, folder / "keys", folder / "server.log", args.workers)
            with running([server]):
                busy0, all0 = machine_busy()
                own0, server0 = time.process_time(), process_cpu(server.pids())
                stats, elapsed = asyncio.run(load(args, server.url, world))
                busy1, all1 = machine_busy()
                own, serving = time.process_time() - own0, process_cpu(server.pids()) - server0
                machine = (busy1 - busy0) / max(all1 - all0, 1.0) * (os.cpu_count() or 1)
                cpu = (
                    f"machine {machine:.2f}, service {serving / elapsed:.2f}, "
                    f"load generator {own / elapsed:.2f}, PostgreSQL and rest "
                    f"{max(0.0, machine - (serving + own) / elapsed):.2f}"
                )
                if stats.errors:
                    print(server.log_tail(20))
            check_audit(url)
    return report(stats, elapsed, cpu, args)


if __name__ == "__main__":
    raise SystemExit(main())
