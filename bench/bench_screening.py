"""Throughput of customs screening: CSV adapter + screening engine over a generated batch.

Builds 100,000 consented notifications in memory, writes a CSV batch of N declarations (default
1,000,000; 47 % of them raise a flag) and screens the file with ``screen_csv``
(``app/screening/batch.py``: ``CsvBatchAdapter`` and ``screen``) once per process count asked
for (default 1, then 2). Prints per pass the declarations/s for parse+screen, the CPU per
declaration of this process and of the workers, and the peak memory of all the processes; then
the flag counts by rule, which must be the same for every process count (asserted).

    .venv/bin/python -m bench.bench_screening --declarations 20000   # smoke test
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import resource
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from app.screening import (
    InMemoryContext,
    MovementFacts,
    NotificationFacts,
    ScreeningConfig,
    load_config,
)
from app.screening.batch import Screened, screen_csv
from app.screening.domain import party_key
from customs_adapters.csv_batch import COLUMNS

TARGET_PER_SECOND = 50_000

ROUTES = [
    ("DE", "BE", "NL"),
    ("FR", "DE", ""),
    ("NL", "PL", "DE"),
    ("IT", "AT", ""),
    ("ES", "FR", ""),
    ("BE", "SE", "DK"),
    ("AT", "CZ", ""),
    ("PL", "DE", ""),
]
OFFICES = {
    "DE": "DE004250",
    "BE": "BE101000",
    "NL": "NL000396",
    "FR": "FR000690",
    "PL": "PL301010",
    "IT": "IT261101",
    "AT": "AT100000",
    "ES": "ES000801",
    "SE": "SE000242",
    "DK": "DK003102",
    "CZ": "CZ510201",
}
START = date(2025, 1, 1)
TODAY = date(2025, 6, 30)


def build_context(notifications: int) -> InMemoryContext:
    ctx = InMemoryContext(today=TODAY)
    for i in range(notifications):
        export, import_, transit = ROUTES[i % len(ROUTES)]
        transits = (transit,) if transit else ()
        ctx.notifications[f"N{i:06d}"] = NotificationFacts(
            number=f"N{i:06d}",
            status="revoked" if i % 211 == 0 else "consented",
            export_country=export,
            import_country=import_,
            transit_countries=transits,
            consented_transit_countries=frozenset(transits),
            route_customs_offices=frozenset(OFFICES[c] for c in (export, *transits, import_)),
            valid_from=START,
            valid_to=START + timedelta(days=364),
            quantity_total_kg=2_000_000,
            shipments_total=100,
            shipped_kg=200_000,
            shipments_used=100 if i % 13 == 0 else 10,
            notifier_name=f"Exporter {i}",
            notifier_id=f"{export}{i:08d}",
            consignee_name=f"Facility {i}",
            consignee_id=f"{import_}{i:08d}",
            carriers=(f"Carrier {i % 500}",),
            waste_codes=("A1160",),
            hazardous=True,
            hs_codes=("854911",),
            destination_barred="import prohibition notified by the state of import"
            if i % 997 == 0
            else None,
        )
    ctx.illegal_traffic_parties = frozenset(
        party_key(f"Facility {i}") for i in range(0, 10_000, 89)
    )
    return ctx


def write_batch(path: Path, declarations: int, ctx: InMemoryContext, notifications: int) -> None:
    """One goods line per declaration; the kind of breach cycles with i % 25 (0..9 break a rule)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(declarations):
            n = i % notifications
            facts = ctx.notifications[f"N{n:06d}"]
            kind = i % 25
            movement = f"M{i:07d}" if kind != 7 else f"M{i - 1:07d}"
            if i % 10 == 0 or kind == 3:
                exited = START + timedelta(days=30)
                ctx.movements[movement] = MovementFacts(
                    movement,
                    facts.number,
                    20_000 if kind != 3 else 15_000,
                    facts.carriers,
                    exit_at=exited,
                    entry_at=None if i % 20 == 0 else exited + timedelta(days=2),
                )
            row = {
                "declaration_id": f"D{i:07d}",
                "declared_on": "2026-02-01" if kind == 2 else "2025-03-01",
                "customs_office": "DE999999" if kind == 4 else OFFICES[facts.export_country],
                "office_country": "SI" if kind == 10 else facts.export_country,
                "direction": "export",
                "declarant_name": "Customs Broker",
                "declarant_country": facts.export_country,
                "declarant_id": "",
                "consignor_name": "Somebody Else" if kind == 5 else facts.notifier_name,
                "consignor_country": facts.export_country,
                "consignor_id": "" if kind == 5 else facts.notifier_id or "",
                "consignee_name": facts.consignee_name,
                "consignee_country": facts.import_country,
                "consignee_id": facts.consignee_id or "",
                "dispatch_country": facts.export_country,
                "destination_country": facts.import_country,
                "transit_countries": ";".join(facts.transit_countries),
                "hs_code": "85491100",
                "description": "Used car batteries second-hand"
                if kind == 6
                else "Waste lead-acid batteries, spent",
                "net_mass_kg": "2000000" if kind == 3 else "20000",
                "packages": "40",
                "containers": f"MSKU{i % 1_000_000:07d}",
                "transport_mode": "R",
                "carrier": "Unknown Haulage" if kind == 8 else facts.carriers[0],
                "notification_number": "" if kind == 0 else ("X404" if kind == 1 else facts.number),
                "movement_id": "" if kind == 0 else movement,
            }
            writer.writerow([row[c] for c in COLUMNS])


@dataclass
class Memory:
    """Peak memory of this process and its live workers, sampled while the file streams."""

    rss_mb: float = 0.0
    """Resident set sizes added up: pages the workers share with this process count twice."""
    pss_mb: float = 0.0
    """Proportional set sizes added up: each shared page split among its sharers (Linux)."""

    def sample(self) -> None:
        pids = ["self", *(str(p.pid) for p in multiprocessing.active_children())]
        rss = pss = 0.0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
                    sizes = dict(_kb(line) for line in rollup if line[:4] in ("Rss:", "Pss:"))
            except OSError:  # a worker just ended, or no /proc (not Linux)
                continue
            rss, pss = rss + sizes["Rss:"], pss + sizes["Pss:"]
        self.rss_mb, self.pss_mb = max(self.rss_mb, rss / 1024), max(self.pss_mb, pss / 1024)


def _kb(line: str) -> tuple[str, float]:
    name, value, _unit = line.split()
    return name, float(value)


@dataclass
class Pass:
    processes: int
    screened: int = 0
    errors: int = 0
    seconds: float = 0.0
    cpu_self: float = 0.0
    cpu_workers: float = 0.0
    memory: Memory = field(default_factory=Memory)
    flags: Counter[str] = field(default_factory=Counter)


def run(path: Path, ctx: InMemoryContext, config: ScreeningConfig, processes: int) -> Pass:
    """Screen the whole file once with ``processes`` processes: a fresh record of the movement
    documents declared (S09) each time, the notifications and movements shared."""
    context = InMemoryContext(TODAY, ctx.notifications, ctx.movements, ctx.illegal_traffic_parties)
    result = Pass(processes)
    cpu, workers = time.process_time(), _workers_cpu()
    started = time.perf_counter()
    with path.open("rb") as stream:
        for outcome in screen_csv(stream, context, config, processes=processes):
            if not isinstance(outcome, Screened):
                result.errors += 1
                continue
            for flag in outcome.flags:
                result.flags[flag.rule_id] += 1
            result.screened += 1
            if result.screened % 10_000 == 1:
                result.memory.sample()
    result.seconds = time.perf_counter() - started
    result.cpu_self = time.process_time() - cpu
    result.cpu_workers = _workers_cpu() - workers
    return result


def _workers_cpu() -> float:
    """CPU seconds of the worker processes that have ended (the pool ends with each pass)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def report(result: Pass) -> None:
    n = max(result.screened, 1)
    memory = result.memory
    print(
        f"{result.processes} process(es): parse+screen {result.screened / result.seconds:,.0f} "
        f"declarations/s ({result.screened:,} in {result.seconds:.1f} s, "
        f"{result.errors} row errors); CPU per declaration {result.cpu_self / n * 1e6:.1f} µs "
        f"here + {result.cpu_workers / n * 1e6:.1f} µs in workers; peak memory of all "
        f"processes {memory.pss_mb:,.0f} MB PSS ({memory.rss_mb:,.0f} MB RSS summed)"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--declarations", type=int, default=1_000_000)
    parser.add_argument("--notifications", type=int, default=100_000)
    parser.add_argument(
        "--processes", default="1,2", help="process counts to run, in order (default 1,2)"
    )
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.processes.split(",")]

    config = load_config()
    t0 = time.perf_counter()
    ctx = build_context(args.notifications)
    print(f"built {args.notifications:,} notifications in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "declarations.csv"
        t0 = time.perf_counter()
        write_batch(path, args.declarations, ctx, args.notifications)
        size = path.stat().st_size / 1e6
        print(
            f"wrote {args.declarations:,} declarations ({size:.0f} MB) "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        baseline = Memory()
        baseline.sample()
        print(f"memory before screening (notifications, movements): {baseline.rss_mb:,.0f} MB")
        passes = []
        for processes in counts:
            passes.append(run(path, ctx, config, processes))
            report(passes[-1])
    first = passes[0].flags
    for other in passes[1:]:
        assert other.flags == first, f"flags differ: {first} != {other.flags}"
    same = f" (the same with {' and '.join(map(str, counts))} processes)" if len(passes) > 1 else ""
    print(f"flags by rule{same}: " + ", ".join(f"{k} {v:,}" for k, v in sorted(first.items())))
    best = max(passes, key=lambda p: p.screened / p.seconds)
    rate = best.screened / best.seconds
    verdict = "reached" if rate >= TARGET_PER_SECOND else "NOT reached"
    print(
        f"target {TARGET_PER_SECOND:,} declarations/s parse+screen: {verdict} "
        f"({rate:,.0f}/s with {best.processes} process(es))"
    )


if __name__ == "__main__":
    main()
