"""Throughput of customs screening: CSV adapter + screening engine over a generated batch.

Builds 100,000 consented notifications in memory, writes a CSV batch of N declarations (default
1,000,000; about one in five breaks a rule), streams it through ``CsvBatchAdapter`` and
``screen``, and prints declarations/s for parse+screen and for screen alone, peak RSS, the
tracemalloc peak of a streaming sample pass, and flag counts by rule.

    .venv/bin/python -m bench.bench_screening --declarations 20000   # CI smoke test
"""

from __future__ import annotations

import argparse
import csv
import resource
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from app.screening import (
    InMemoryContext,
    MovementFacts,
    NotificationFacts,
    ScreeningConfig,
    load_config,
    screen,
)
from app.screening.domain import party_key
from customs_adapters.base import ParsedDeclaration
from customs_adapters.csv_batch import COLUMNS, CsvBatchAdapter

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


def run(path: Path, ctx: InMemoryContext, config: ScreeningConfig, limit: int | None = None):
    flags: Counter[str] = Counter()
    screened = errors = 0
    screen_seconds = 0.0
    started = time.perf_counter()
    with path.open("rb") as stream:
        for row in CsvBatchAdapter().parse(stream):
            if not isinstance(row, ParsedDeclaration):
                errors += 1
                continue
            d = row.declaration
            t0 = time.perf_counter()
            found = screen(d, ctx, config)
            screen_seconds += time.perf_counter() - t0
            ctx.record(d.movement_id, d.direction, d.declaration_id)
            flags.update(f.rule_id for f in found)
            screened += 1
            if limit and screened >= limit:
                break
    return screened, errors, time.perf_counter() - started, screen_seconds, flags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--declarations", type=int, default=1_000_000)
    parser.add_argument("--notifications", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=50_000, help="rows for the tracemalloc pass")
    args = parser.parse_args()

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

        screened, errors, total, screen_only, flags = run(path, ctx, config)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"screened {screened:,} declarations ({errors} row errors)")
        print(f"parse+screen: {screened / total:,.0f} declarations/s ({total:.1f} s)")
        print(f"screen alone: {screened / screen_only:,.0f} declarations/s ({screen_only:.1f} s)")
        print(f"peak RSS (whole run, incl. notifications and clone index): {rss_mb:,.0f} MB")

        sample_ctx = InMemoryContext(
            TODAY, ctx.notifications, ctx.movements, ctx.illegal_traffic_parties
        )
        tracemalloc.start()
        run(path, sample_ctx, config, limit=min(args.sample, args.declarations))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"tracemalloc peak while streaming {min(args.sample, args.declarations):,} rows: "
            f"{peak / 1e6:.1f} MB"
        )
    print("flags by rule: " + ", ".join(f"{k} {v:,}" for k, v in sorted(flags.items())))


if __name__ == "__main__":
    main()
