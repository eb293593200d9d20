"""Flag and movement searches on PostgreSQL at a million shipments: latency per query kind.

Run: ``.venv/bin/python -m bench.bench_search [--movements 1000000] [--queries 200]
[--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]``.
Target (the issue): search p95 under 50 ms at a million shipments.

A fresh database is created, migrated and given the demo world; then notifications, their
states concerned, movements and flags are bulk-loaded with COPY and INSERT ... SELECT (not
through the services: a million shipments through the services would take hours), VACUUM
ANALYZE runs, and a seeded mix of searches is timed through ``app.search.service`` with the
app's session factory and real demo accounts, as the HTTP routes call it (JSON encoding and
authentication are not timed). The database is dropped at the end, also on Ctrl-C or failure,
unless ``--keep`` is given (to EXPLAIN by hand); ``--database NAME`` re-runs the queries on such a
kept database without seeding it again.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from app.accounts.auth import hash_token
from app.accounts.models import Account
from app.authorities.models import Authority
from app.core.db import make_engine, make_session_factory, unit_of_work
from app.demo import demo_tokens, load_demo
from app.parties.models import Party
from app.search.schemas import FlagFilters, MovementFilters
from app.search.service import search_flags, search_movements
from bench.common import fresh_database, percentile, terminate_as_exit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_P95_MS = 50.0
PAGE_SIZE = 50  # the API's default limit
SEED = 20261125
TODAY = date.today()
HISTORY_DAYS = 730  # shipments spread over two years
FLAGGED_SHARE = 0.05  # of movements
ORPHAN_FLAG_SHARE = 0.08  # flags on declarations naming no notification (rule S01), of all flags

# --- the synthetic world -----------------------------------------------------------------------

#: (weight, state of export, states of transit, state of import)
ROUTES: list[tuple[int, str, list[str], str]] = [
    (25, "MY", ["SG"], "KR"),
    (10, "MY", [], "TH"),
    (5, "MY", ["SG", "AE"], "FR"),
    (20, "DE", ["BE"], "FR"),
    (10, "DE", [], "FR"),
    (10, "CN", [], "KR"),
    (5, "CN", ["SG"], "TH"),
    (5, "TH", [], "KR"),
    (5, "FR", ["BE"], "DE"),
    (5, "BE", [], "DE"),
]

#: (weight, basel code, y codes, hs code, UN number, designation); A1180 and B1110 end in 2024,
#: A1181 starts in 2025 (e-waste amendments), so the e-waste code follows the departure date.
WASTES: list[tuple[int, str, list[str], str, str, str]] = [
    (35, "A1160", ["Y31", "Y34"], "854911", "2794", "Spent lead-acid batteries, whole, undrained"),
    (20, "A1181", ["Y49"], "854931", "", "Waste electrical and electronic assemblies"),
    (5, "B1110", [], "854939", "", "Electrical assemblies of metals or alloys only"),
    (12, "A3210", ["Y48"], "391590", "", "Mixed plastic waste, contaminated"),
    (10, "A4060", ["Y9"], "271099", "3082", "Waste oil/water mixtures"),
    (8, "Y46", ["Y46"], "382510", "", "Wastes collected from households"),
    (5, "Y47", ["Y47"], "262110", "3077", "Residues from incineration of household wastes"),
    (5, "A1010", ["Y26"], "262099", "", "Metal wastes containing cadmium"),
]
EWASTE_AMENDMENT = date(2025, 1, 1)

OFFICES = {
    "MY": ["MYPKG", "MYPEN", "MYTPP"],
    "SG": ["SGPSA", "SGJUR"],
    "KR": ["KRPUS", "KRINC", "KRUSN"],
    "TH": ["THLCH", "THBKK"],
    "CN": ["CNSZX", "CNSHA", "CNNGB"],
    "DE": ["DEHAM", "DEBRV", "DEDUI"],
    "BE": ["BEANR", "BEZEE"],
    "FR": ["FRLEH", "FRDKK", "FRFOS"],
    "AE": ["AEJEA"],
}

#: Synthetic organisations next to the demo ones: (place names, trade words, legal form).
NAMES = {
    "MY": (["Selangor", "Johor", "Penang", "Kedah", "Perak", "Melaka"], "Sdn Bhd"),
    "DE": (["Ruhr", "Sachsen", "Bayern", "Hamburg", "Hessen", "Weser"], "GmbH"),
    "CN": (["Guangdong", "Jiangsu", "Zhejiang", "Tianjin", "Fujian"], "Co., Ltd."),
    "TH": (["Rayong", "Chonburi", "Ayutthaya", "Samut Sakhon"], "Co., Ltd."),
    "KR": (["Ulsan", "Pohang", "Gwangyang", "Incheon", "Busan"], "Co., Ltd."),
    "FR": (["Nord", "Lorraine", "Rhone", "Normandie", "Alsace"], "SAS"),
    "BE": (["Antwerpen", "Gent", "Liege", "Hoboken"], "NV"),
}
TRADES = ["Metal Recovery", "Battery Recycling", "E-Waste Solutions", "Enviro Services"]
TRADES += ["Resource Recovery", "Non-Ferrous Refining", "Eco Metals", "Waste Management"]

#: Flag rules: (weight, rule); severities and titles come from the screening rules file.
FLAG_RULES = [(14, "S01"), (4, "S02"), (8, "S03"), (8, "S04"), (5, "S05"), (8, "S06")]
FLAG_RULES += [(8, "S07"), (10, "S08"), (3, "S09"), (10, "S10"), (5, "S11"), (2, "S12")]
FLAG_RULES += [(1, "S13"), (4, "S14"), (2, "S15"), (20, "B01")]
RULES_FILE = ROOT / "app" / "screening" / "data" / "rules.json"


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, ...]]) -> tuple[Any, ...]:
    return rng.choices(weighted, weights=[w[0] for w in weighted])[0]


@dataclass
class World:
    """Ids of what the demo loaded, and of the synthetic parties added next to it."""

    accounts: dict[str, int]
    authority_of: dict[str, int]  # country → its authority
    exporters: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    consignees: dict[str, list[tuple[int, int]]] = field(  # country → (consignee, facility)
        default_factory=lambda: defaultdict(list)
    )
    names: dict[int, str] = field(default_factory=dict)


def _demo_world(session: Session) -> World:
    demo = load_demo(session)
    session.flush()
    authorities = session.execute(select(Authority.country, Authority.id)).all()
    world = World(accounts=dict(demo.accounts), authority_of={c: i for c, i in authorities})
    parties = {p.id: p for p in session.scalars(select(Party))}
    world.names = {i: p.name for i, p in parties.items()}
    pid = demo.parties
    for key in ("my_exporter", "de_exporter", "cn_exporter"):
        world.exporters[parties[pid[key]].country].append(pid[key])
    for country in ("kr", "fr", "th"):
        pair = (pid[f"{country}_consignee"], pid[f"{country}_facility"])
        world.consignees[country.upper()].append(pair)
    return world


def _synthetic_parties(conn: Any, world: World, rng: random.Random) -> None:
    """Per country some exporters and consignee/facility pairs, so that party searches are as
    selective as in a service with many companies (the demo has 13 organisations)."""
    rows: list[tuple[str, str, str]] = []
    for country, (places, form) in NAMES.items():
        for place in places:
            for trade in rng.sample(TRADES, 4):
                rows.append(("exporter", f"{place} {trade} {form}", country))
                rows.append(("consignee", f"{place} {trade} {form}", country))
                rows.append(("facility", f"{place} {trade} {form} - Plant 1", country))
    sql = (
        "INSERT INTO parties (kind, name, country, address, pre_consented, interim, created_at) "
        "SELECT kind, name, country, name || ', ' || country, false, false, now() "
        "FROM unnest(%s::text[], %s::text[], %s::text[]) AS t(kind, name, country) "
        "RETURNING id, kind, name, country"
    )
    kinds, names, countries = (list(c) for c in zip(*rows, strict=True))
    created = conn.execute(sql, (kinds, names, countries)).fetchall()
    consignee: dict[str, int] = {}
    for party_id, kind, name, country in created:
        world.names[party_id] = name
        if kind == "exporter":
            world.exporters[country].append(party_id)
        elif kind == "consignee":
            consignee[name] = party_id
        else:
            pair = (consignee[name.removesuffix(" - Plant 1")], party_id)
            world.consignees[country].append(pair)


def _waste(rng: random.Random, departure: date) -> tuple[dict[str, Any], str]:
    """Block 14 (waste identification) and block 12 (designation) of a notification."""
    _, code, y_codes, hs, un, designation = _pick(rng, WASTES)
    if code in ("A1181", "B1110") and departure < EWASTE_AMENDMENT:
        code = "A1180" if code == "A1181" else code
    elif code == "B1110":
        code = "A1181"  # B1110 was deleted: such e-waste is notified as A1181 now
    waste = {"basel_code": code, "y_codes": y_codes, "hs_code": hs, "un_number": un or None}
    return waste, designation


@dataclass
class Plan:
    """Notification rows (tab-separated, for COPY), states concerned, movements per notification."""

    notifications: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    movements: list[tuple[int, int]] = field(default_factory=list)  # (notification number, count)


def _shipment_counts(rng: random.Random, notifications: int, movements: int) -> list[int]:
    """Movements per notification: most have a few dozen, some hundreds; exactly ``movements``."""
    weights = [min(rng.lognormvariate(3.5, 1.0), 400.0) for _ in range(notifications)]
    total = sum(weights)
    counts = [int(w / total * movements) for w in weights]
    for i in rng.sample(range(notifications), movements - sum(counts)):  # fewer than n left
        counts[i] += 1
    return counts


def _plan(world: World, rng: random.Random, notifications: int, movements: int) -> Plan:
    plan = Plan()
    active = int(notifications * 0.95)  # the rest are still in the consent procedure
    counts = _shipment_counts(rng, active, movements) + [0] * (notifications - active)
    numbers: dict[tuple[str, int], int] = defaultdict(int)
    creator = {"MY": "exporter_my", "DE": "exporter_de", "CN": "exporter_cn"}
    for i, count in enumerate(counts):
        _, export, transits, import_ = _pick(rng, ROUTES)
        start = TODAY - timedelta(days=rng.randint(20, HISTORY_DAYS))
        end = start + timedelta(days=rng.choice([180, 365, 365, 1095]))
        year = start.year
        numbers[(export, year)] += 1
        number = f"{export}-{year}-{numbers[(export, year)]:06d}"
        status = "consented" if end >= TODAY else rng.choice(["closed", "closed", "expired"])
        if count == 0:
            status = rng.choice(["submitted", "transmitted", "acknowledged", "draft"])
        notifier = rng.choice(world.exporters[export])
        consignee, facility = rng.choice(world.consignees[import_])
        waste, designation = _waste(rng, start)
        offices = {"export": OFFICES[export][0], "exit": rng.choice(OFFICES[export])}
        offices["entry"] = rng.choice(OFFICES[import_])
        quantity = max(count, 1) * rng.choice([20, 22, 24, 25])
        row = [
            number,
            "basel",
            status,
            export,
            import_,
            str(notifier),
            str(consignee),
            str(facility),
            "multiple" if count != 1 else "single",
            "recovery" if waste["basel_code"] != "Y46" else "disposal",
            str(max(count, 1)),
            f"{quantity}.000",
            start.isoformat(),
            end.isoformat(),
            designation,
            json.dumps(waste),
            json.dumps(offices),
            str(world.accounts[creator.get(export, "exporter_my")]),
            (start - timedelta(days=60)).isoformat(),
        ]
        plan.notifications.append("\t".join(row))
        route = [(export, "export"), *((t, "transit") for t in transits), (import_, "import")]
        for position, (country, capacity) in enumerate(route, start=1):
            authority = world.authority_of[country]
            plan.states.append(f"{number}\t{position}\t{country}\t{capacity}\t{authority}")
        plan.movements.append((i, count))
    return plan


NOTIFICATION_COLUMNS = (
    "number, regime, status, export_country, import_country, notifier_id, consignee_id, "
    "facility_id, shipment_type, purpose, intended_shipments, quantity, first_departure, "
    "last_departure, designation, waste, customs_offices, created_by, created_at"
)


def _copy(conn: Any, sql: str, lines: list[str]) -> None:
    with conn.cursor().copy(sql) as copy:
        for start in range(0, len(lines), 5000):
            copy.write("\n".join(lines[start : start + 5000]) + "\n")


def _load_notifications(conn: Any, plan: Plan) -> None:
    conn.execute(
        f"CREATE TEMP TABLE bench_notifications ON COMMIT DROP AS "
        f"SELECT {NOTIFICATION_COLUMNS} FROM notifications WITH NO DATA"
    )
    _copy(conn, f"COPY bench_notifications ({NOTIFICATION_COLUMNS}) FROM STDIN", plan.notifications)
    conn.execute(
        f"""
        INSERT INTO notifications ({NOTIFICATION_COLUMNS}, version, generators, carriers,
            pre_consented, packaging, operations, technology, composition,
            physical_characteristics, annexes, unit, updated_at, submitted_at, consented_at,
            valid_from, valid_to)
        SELECT {NOTIFICATION_COLUMNS}, 1, '[]', '[]', false, '["4"]', '["R4"]',
            'Smelting and refining', '', '["2"]', 1, 't',
            created_at, created_at + interval '1 day',
            CASE WHEN status IN ('consented', 'closed', 'expired')
                 THEN first_departure - interval '10 days' END,
            CASE WHEN status IN ('consented', 'closed', 'expired') THEN first_departure END,
            CASE WHEN status IN ('consented', 'closed', 'expired') THEN last_departure END
        FROM bench_notifications
        """
    )
    conn.execute(
        "CREATE TEMP TABLE bench_states (number text, position int, country text, "
        "capacity text, authority_id int) ON COMMIT DROP"
    )
    _copy(conn, "COPY bench_states FROM STDIN", plan.states)
    conn.execute(
        """
        INSERT INTO states_concerned (notification_id, position, country, capacity, authority_id,
            point_of_exit, point_of_entry)
        SELECT n.id, s.position, s.country, s.capacity, s.authority_id,
            CASE WHEN s.capacity <> 'import' THEN 'Port of ' || s.country END,
            CASE WHEN s.capacity <> 'export' THEN 'Port of ' || s.country END
        FROM bench_states s JOIN notifications n ON n.number = s.number
        """
    )


MOVEMENTS_SQL = """
INSERT INTO movements (document_no, notification_id, shipment_no, revision, status, version,
    quantity, unit, shipment_date, packaging, packages, carriers, containers, issuer, qr_text,
    created_by, created_at, updated_at, announced_at, departed_at, received_on, received_quantity,
    accepted, completed_on, export_country, import_country, flag_count)
SELECT n.number || '/' || s.no, n.id, s.no, 1, x.status, 1,
    round((20 + random() * 5)::numeric, 3), 't', x.day, '["4"]', 20, '[]', '[]',
    a.code, rpad('HC1:' || md5(n.number || s.no), 480, md5(s.no::text)),
    n.created_by, x.day - 7, x.day,
    CASE WHEN x.status <> 'created' THEN x.day - 3 END,
    CASE WHEN x.status NOT IN ('created', 'announced', 'cancelled') THEN x.day END,
    CASE WHEN x.status IN ('received', 'completed', 'rejected') THEN x.day + 12 END,
    CASE WHEN x.status IN ('received', 'completed') THEN 21.5 END,
    CASE WHEN x.status IN ('received', 'completed') THEN true
         WHEN x.status = 'rejected' THEN false END,
    CASE WHEN x.status = 'completed' THEN x.day + 60 END,
    n.export_country, n.import_country, 0
FROM bench_plan p
JOIN notifications n ON n.number = p.number
JOIN states_concerned e ON e.notification_id = n.id AND e.capacity = 'export'
JOIN authorities a ON a.id = e.authority_id
CROSS JOIN LATERAL generate_series(1, p.movements) AS s(no)
CROSS JOIN LATERAL (
    SELECT d.day, CASE
        WHEN d.day > CURRENT_DATE THEN CASE WHEN r < 0.4 THEN 'created' ELSE 'announced' END
        WHEN d.day > CURRENT_DATE - 7 THEN CASE WHEN r < 0.2 THEN 'announced'
            WHEN r < 0.8 THEN 'in_transit' ELSE 'received' END
        WHEN d.day > CURRENT_DATE - 60 THEN CASE WHEN r < 0.1 THEN 'in_transit'
            WHEN r < 0.6 THEN 'received' WHEN r < 0.95 THEN 'completed'
            WHEN r < 0.97 THEN 'rejected' WHEN r < 0.98 THEN 'return_required'
            ELSE 'cancelled' END
        ELSE CASE WHEN r < 0.92 THEN 'completed' WHEN r < 0.94 THEN 'rejected'
            WHEN r < 0.98 THEN 'cancelled' WHEN r < 0.99 THEN 'return_required'
            ELSE 'received' END
    END AS status
    FROM (SELECT random() AS r,
        (n.first_departure + ((s.no - 1) * (LEAST(n.last_departure, CURRENT_DATE + 30)
            - n.first_departure) / p.movements))::date AS day) AS d
) AS x
"""

FLAGS_SQL = """
INSERT INTO flags (source, rule_id, severity, explanation, evidence, country, notification_id,
    movement_id, created_at, waste_code, hs_code, office, document_no, search_text, status,
    version, closed_at)
SELECT f.source, f.rule_id, f.severity, f.explanation, '{}', f.country, f.notification_id,
    f.movement_id, f.created_at, f.waste_code, f.hs_code,
    o.offices[1 + floor(random() * array_length(o.offices, 1))::int], f.document_no,
    f.search_text, f.status, 1,
    CASE WHEN f.status IN ('confirmed', 'cleared') THEN f.created_at + interval '20 days' END
FROM (
    SELECT r.source, r.rule_id, r.severity, r.rule_id || ': ' || r.title AS explanation,
        CASE WHEN r.rule_id = 'B01' THEN CASE WHEN random() < 0.5 THEN n.import_country
                 ELSE coalesce(t.country, n.import_country) END
             WHEN r.rule_id = 'S06' THEN (ARRAY['TH', 'AE', 'SG'])[1 + floor(random() * 3)::int]
             ELSE n.export_country END AS country,
        n.id AS notification_id, m.id AS movement_id,
        m.shipment_date - interval '1 day' + random() * interval '30 hours' AS created_at,
        n.waste->>'basel_code' AS waste_code,
        CASE WHEN r.rule_id = 'S08' THEN (ARRAY['780200', '740400', '391510', '854999'])
            [1 + floor(random() * 4)::int] ELSE n.waste->>'hs_code' END AS hs_code,
        m.document_no,
        lower(concat_ws(' ', m.document_no, n.number, np.name, cp.name, fp.name)) AS search_text,
        CASE WHEN m.shipment_date < CURRENT_DATE - 90 THEN CASE WHEN random() < 0.65 THEN 'cleared'
                 WHEN random() < 0.6 THEN 'confirmed' WHEN random() < 0.6
                 THEN 'under_investigation' ELSE 'open' END
             ELSE CASE WHEN random() < 0.5 THEN 'open' WHEN random() < 0.6
                 THEN 'under_investigation' WHEN random() < 0.25 THEN 'confirmed'
                 ELSE 'cleared' END END AS status
    FROM movements m
    JOIN notifications n ON n.id = m.notification_id
    JOIN parties np ON np.id = n.notifier_id
    JOIN parties cp ON cp.id = n.consignee_id
    JOIN parties fp ON fp.id = n.facility_id
    LEFT JOIN states_concerned t ON t.notification_id = n.id AND t.capacity = 'transit'
        AND t.position = 2
    CROSS JOIN LATERAL generate_series(1, CASE WHEN random() < 0.2 THEN 2 ELSE 1 END) AS k(no)
    CROSS JOIN LATERAL (SELECT random() AS u) AS pick
    JOIN bench_rules r ON pick.u >= r.lo AND pick.u < r.hi AND r.rule_id <> 'S01'
    WHERE m.id %% 1000 < %(per_mille)s
) AS f
JOIN bench_offices o ON o.country = f.country
"""

ORPHAN_FLAGS_SQL = """
INSERT INTO flags (source, rule_id, severity, explanation, evidence, country, created_at,
    hs_code, office, document_no, search_text, status, version)
SELECT 'declaration', 'S01', r.severity, 'S01: ' || r.title, '{}', o.country,
    now() - random() * interval '730 days',
    (ARRAY['854911', '854931', '391590', '271099', '780200'])[1 + floor(random() * 5)::int],
    o.offices[1], o.country || '-EX-' || lpad(g::text, 8, '0'),
    lower(concat_ws(' ', o.country || '-ex-' || lpad(g::text, 8, '0'), c.name, e.name)),
    (ARRAY['open', 'under_investigation', 'confirmed', 'cleared', 'cleared'])
        [1 + floor(random() * 5)::int], 1
FROM generate_series(1, %(count)s) AS g
JOIN bench_rules r ON r.rule_id = 'S01'
JOIN bench_offices o ON o.country = (ARRAY['MY', 'MY', 'TH', 'DE', 'CN', 'KR'])[1 + g %% 6]
JOIN LATERAL (SELECT name FROM parties WHERE kind = 'exporter' AND g > 0
    ORDER BY random() LIMIT 1) AS c ON true
JOIN LATERAL (SELECT name FROM parties WHERE kind = 'consignee' AND g > 0
    ORDER BY random() LIMIT 1) AS e ON true
"""


#: Each movement's flag count, as app/screening/service.py keeps it when it raises a flag.
FLAG_COUNTS_SQL = """
UPDATE movements m SET flag_count = f.n
FROM (SELECT movement_id, count(*) AS n FROM flags WHERE movement_id IS NOT NULL
    GROUP BY movement_id) AS f
WHERE f.movement_id = m.id
"""


def _rules_table(conn: Any) -> None:
    rules = json.loads(RULES_FILE.read_text())["rules"]
    conn.execute(
        "CREATE TEMP TABLE bench_rules (rule_id text, source text, severity text, title text, "
        "lo float8, hi float8) ON COMMIT DROP"
    )
    total, low = sum(w for w, _ in FLAG_RULES if _ != "S01"), 0.0
    for weight, rule in FLAG_RULES:
        share = 0.0 if rule == "S01" else weight / total  # S01 flags name no notification
        scan = rule == "B01"
        severity = "high" if scan else rules[rule]["severity"]
        title = "border scan did not match the record" if scan else rules[rule]["title"]
        conn.execute(
            "INSERT INTO bench_rules VALUES (%s, %s, %s, %s, %s, %s)",
            (rule, "scan" if scan else "declaration", severity, title, low, low + share),
        )
        low += share
    conn.execute("CREATE TEMP TABLE bench_offices (country text, offices text[]) ON COMMIT DROP")
    for country, offices in OFFICES.items():
        conn.execute("INSERT INTO bench_offices VALUES (%s, %s)", (country, offices))


def seed(url: str, notifications: int, movements: int) -> None:
    """Demo world through the services, then everything else in bulk, then VACUUM ANALYZE."""
    rng = random.Random(SEED)
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as session:
        world = _demo_world(session)
    engine.dispose()

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        conn.execute("SELECT setseed(0.42)")
        _synthetic_parties(conn, world, rng)
        plan = _plan(world, rng, notifications, movements)
        _load_notifications(conn, plan)
        _step(f"{notifications:,} notifications and their states concerned")
        conn.execute("CREATE TEMP TABLE bench_plan (number text, movements int) ON COMMIT DROP")
        numbers = [line.split("\t", 1)[0] for line in plan.notifications]
        lines = [f"{numbers[i]}\t{count}" for i, count in plan.movements if count]
        _copy(conn, "COPY bench_plan FROM STDIN", lines)
        conn.execute(MOVEMENTS_SQL)
        _step(f"{movements:,} movements")
        _rules_table(conn)
        per_mille = round(FLAGGED_SHARE * 1000)
        conn.execute(FLAGS_SQL, {"per_mille": per_mille})
        flagged = conn.execute("SELECT count(*) FROM flags").fetchone()
        orphans = round((flagged[0] if flagged else 0) * ORPHAN_FLAG_SHARE)
        conn.execute(ORPHAN_FLAGS_SQL, {"count": orphans})
        conn.execute(FLAG_COUNTS_SQL)
        _step("flags")
    vacuum_analyze(url)
    _step("VACUUM ANALYZE")


_last_step = [time.perf_counter()]


def _step(what: str) -> None:
    now = time.perf_counter()
    print(f"  {what}: {now - _last_step[0]:.1f} s", flush=True)
    _last_step[0] = now


def vacuum_analyze(url: str) -> None:
    """Planner statistics and the visibility map, as autovacuum keeps them in production (this
    server runs without it)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def describe(url: str) -> None:
    """Row counts and sizes of what the searches read."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_size_pretty(pg_database_size(current_database()))"))
        print(f"database size: {size.scalar_one()}")
        for table in ("notifications", "states_concerned", "movements", "flags", "parties"):
            count, total = conn.execute(
                text(
                    f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{table}')) "
                    f"FROM {table}"
                )
            ).one()
            print(f"  {table:<17} {count:>10,} rows  {total:>8} with indexes")
        flagged = conn.execute(
            text("SELECT count(DISTINCT movement_id) FROM flags WHERE movement_id IS NOT NULL")
        ).scalar_one()
        print(f"  movements with a flag: {flagged:,}")
    engine.dispose()


# --- the database ------------------------------------------------------------------------------


# --- the queries -------------------------------------------------------------------------------


@dataclass
class Query:
    """One search as a user would run it: who, which kind, which filters, which page."""

    kind: str
    who: str
    filters: FlagFilters | MovementFilters
    page: int = 1  # 1: first page with facets; n: page n reached through the cursors

    def describe(self) -> str:
        given = self.filters.model_dump(exclude_defaults=True, mode="json")
        return f"{self.who} {given} page {self.page}"


@dataclass
class Sample:
    query: Query
    ms: float
    rows: int
    matches: int  # from the facets (first pages), else -1
    statements: list[tuple[float, str, Any]]

    def split(self) -> tuple[float, float]:
        """Milliseconds in the statements that find and read the page (filters resolved to
        ids first, the page, its rows) and in the facet count (the GROUPING SETS statement)."""
        facets = sum(ms for ms, sql, _ in self.statements if "GROUPING SETS" in sql)
        return sum(ms for ms, _, _ in self.statements) - facets, facets


VALUE_QUERIES = {
    # what an officer of Malaysia or Korea looks up: shipments on the MY -> KR route, flagged ones
    "documents": "SELECT m.document_no FROM movements m JOIN notifications n "
    "ON n.id = m.notification_id WHERE n.export_country = 'MY' AND n.import_country = 'KR' "
    "AND m.id % 499 = 0 ORDER BY m.id LIMIT 200",
    "numbers": "SELECT number FROM notifications WHERE export_country = 'MY' "
    "AND import_country = 'KR' ORDER BY md5(number) LIMIT 200",
    "flag_documents": "SELECT document_no FROM flags WHERE country = 'MY' "
    "AND document_no IS NOT NULL ORDER BY md5(document_no) LIMIT 200",
    "names": "SELECT name FROM parties ORDER BY id",
}
LEGAL_FORMS = {"co.,", "ltd.", "sdn", "bhd", "gmbh", "sas", "nv", "co.", "plant", "-", "—"}


def _values(url: str) -> dict[str, list[str]]:
    """Real values to search for (the same on every run of a database): party name words,
    document and notification numbers."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        values = {
            key: list(conn.execute(text(sql)).scalars()) for key, sql in VALUE_QUERIES.items()
        }
    engine.dispose()
    words = {w.lower() for name in values.pop("names") for w in name.split()}
    values["words"] = sorted(w for w in words if w not in LEGAL_FORMS and not w.isdigit())
    return values


def _date_range(rng: random.Random, days: int) -> dict[str, date]:
    end = TODAY - timedelta(days=rng.randint(0, HISTORY_DAYS - days))
    return {"date_from": end - timedelta(days=days), "date_to": end}


FLAG_KINDS = (
    "all",
    "country+role",
    "rule",
    "severity+status",
    "waste code",
    "HS prefix",
    "party text",
    "date range",
    "q document",
    "q text",
    "next pages",
)
MOVEMENT_KINDS = (
    "all",
    "country+role+status",
    "waste code",
    "flagged",
    "party text",
    "date range",
    "q document",
    "next pages",
)
WASTE_CODES = ["A1160", "A1181", "A1180", "B1110", "A3210", "Y46"]


class QueryMaker:
    """Searches an inspector, a customs officer, an import authority and an exporter run, with
    parameters drawn from the data (party name words, document and notification numbers)."""

    def __init__(self, rng: random.Random, values: dict[str, list[str]]) -> None:
        self.rng, self.values = rng, values

    def _text(self, *kinds: str) -> str:
        return self.rng.choice(self.values[self.rng.choice(kinds)])

    def flags(self, kind: str) -> Query:
        rng, c = self.rng, self.rng.choice
        who, page = c(["inspector_my", "customs_my"]), 1
        match kind:
            case "country+role":
                country, role = c([("MY", "export"), ("SG", "transit"), ("KR", "import")])
                f = FlagFilters(country=country, role=role)
            case "rule":
                f = FlagFilters(rule=_pick(rng, FLAG_RULES)[1])
            case "severity+status":
                f = FlagFilters(
                    severity=c(["critical", "high", "medium"]),
                    status=c(["open", "under_investigation"]),
                    sort=c(["newest", "severity"]),
                )
            case "waste code":
                f = FlagFilters(waste_code=c(WASTE_CODES))
            case "HS prefix":
                f = FlagFilters(hs_code=c(["8549", "854911", "3915", "2710", "7802"]))
            case "party text":
                f = FlagFilters(party=self._text("words"))
            case "date range":
                f = FlagFilters(**_date_range(rng, 30))
            case "q document":
                f = FlagFilters(q=self._text("flag_documents", "numbers"))
            case "q text":
                f = FlagFilters(q=self._text("words"))
            case "next pages":
                f = FlagFilters(sort=c(["newest", "oldest", "severity"]), status=c([None, "open"]))
                page = rng.randint(2, 5)
            case _:
                f = FlagFilters()
        return Query(f"flags: {kind}", who, f, page)

    def movements(self, kind: str) -> Query:
        rng, c = self.rng, self.rng.choice
        who, page = c(["authority_kr", "inspector_my"]), 1
        match kind:
            case "all":
                who = c(["authority_kr", "exporter_my", "inspector_my", "customs_my"])
                f = MovementFilters()
            case "country+role+status":
                country, role = c([("SG", "transit"), ("KR", "import"), ("TH", "import")])
                status = c(["in_transit", "announced", "completed"])
                f = MovementFilters(country=country, role=role, status=status)
            case "waste code":
                f = MovementFilters(waste_code=c(WASTE_CODES))
            case "flagged":
                f = MovementFilters(flagged=True)
            case "party text":
                f = MovementFilters(party=self._text("words"))
            case "date range":
                who, f = c(["authority_kr", "exporter_my"]), MovementFilters(**_date_range(rng, 30))
            case "q document":
                f = MovementFilters(q=self._text("documents", "numbers"))
            case _:
                who, f = (
                    c(["authority_kr", "exporter_my"]),
                    MovementFilters(sort=c(["newest", "oldest"])),
                )
                page = rng.randint(2, 5)
        return Query(f"movements: {kind}", who, f, page)

    def mix(self, count: int) -> list[Query]:
        """``count`` searches: every kind once, then kinds drawn at random."""
        kinds = [(self.flags, k) for k in FLAG_KINDS] + [
            (self.movements, k) for k in MOVEMENT_KINDS
        ]
        picks = kinds[:count] + [self.rng.choice(kinds) for _ in range(count - len(kinds))]
        return [make(kind) for make, kind in picks]


class StatementLog:
    """The SQL statements of the search being timed, with their durations."""

    def __init__(self, engine: Engine) -> None:
        self.entries: list[tuple[float, str, Any]] = []
        self.started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_: Any) -> None:
        self.started = time.perf_counter()

    def _after(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        ms = (time.perf_counter() - self.started) * 1000
        self.entries.append((ms, statement, parameters))

    def take(self) -> list[tuple[float, str, Any]]:
        entries, self.entries = self.entries, []
        return entries


def run_query(
    factory: sessionmaker[Session], log: StatementLog, accounts: dict[str, int], q: Query
) -> Sample:
    """The search of ``q`` in its own session, as a request runs it; earlier pages of a
    next-page query are fetched first (untimed) to obtain the cursor."""
    search: Any = search_flags if isinstance(q.filters, FlagFilters) else search_movements
    with factory() as session:
        account = session.get(Account, accounts[q.who])
        assert account is not None, q.who
        cursor = None
        for _ in range(q.page - 1):
            page = search(
                session=session,
                account=account,
                filters=q.filters,
                cursor=cursor,
                limit=PAGE_SIZE,
                facets=False,
            )
            cursor = page["next_cursor"]
            if cursor is None:
                break
        log.take()
        started = time.perf_counter()
        result = search(
            session=session, account=account, filters=q.filters, cursor=cursor, limit=PAGE_SIZE
        )
        ms = (time.perf_counter() - started) * 1000
        session.rollback()
    facets = result["facets"]
    matches = sum(next(iter(facets.values())).values()) if facets else -1
    return Sample(q, ms, len(result["items"]), matches, log.take())


# --- the report --------------------------------------------------------------------------------


def _line(label: str, samples: list[Sample]) -> str:
    ms = sorted(s.ms for s in samples)
    p = {q: percentile(ms, q) for q in (50, 95, 99)}
    page = percentile(sorted(s.split()[0] for s in samples), 95)
    facets = percentile(sorted(s.split()[1] for s in samples), 95)
    rows = sum(s.rows for s in samples) / len(samples)
    counted = [s.matches for s in samples if s.matches >= 0]
    matches = f"{sum(counted) / len(counted):>10,.0f}" if counted else f"{'':>10}"
    return (
        f"  {label:<33} {len(samples):>4} {p[50]:>8.1f} {p[95]:>8.1f} {p[99]:>8.1f} "
        f"{ms[-1]:>8.1f} {page:>8.1f} {facets:>8.1f} {rows:>6.1f} {matches}"
    )


def report(samples: list[Sample], explain_url: str, explain: int) -> None:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_kind[s.query.kind].append(s)
    print(
        f"\n  {'query kind':<33} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'page p95':>8} {'facets95':>8} {'rows':>6} {'matches':>10}"
    )
    for kind, group in by_kind.items():
        print(_line(kind, group))
    print(_line("all", samples))
    for prefix in ("flags", "movements"):
        print(_line(f"all {prefix}", [s for s in samples if s.query.kind.startswith(prefix)]))
    ms = sorted(s.ms for s in samples)
    p95 = percentile(ms, 95)
    print(f"\noverall p95 {p95:.1f} ms / {TARGET_P95_MS:g} ms target: {p95 / TARGET_P95_MS:.2f}")
    print(
        "(page p95 / facets95: p95 of the statements that find and read the page / of the facet "
        "count, in the database driver; rows: items on the page, at most 50; matches: sum of the "
        "first facet's counts, first pages only)"
    )
    slowest = sorted(samples, key=lambda s: -s.ms)[:explain]
    if slowest:
        print("\nslowest searches and their slowest statement:")
    for s in slowest:
        worst = max(s.statements, key=lambda e: e[0])
        print(f"\n{s.ms:.1f} ms  {s.query.kind}: {s.query.describe()}")
        shares = ", ".join(f"{e[0]:.1f}" for e in s.statements)
        print(f"  statements ms: {shares}")
        print(_explain(explain_url, worst[1], worst[2]))


def _explain(url: str, statement: str, parameters: Any) -> str:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        plan = conn.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters
        ).scalars()
        lines = "\n".join("    " + line for line in plan)
        conn.rollback()
    engine.dispose()
    return lines


def measure(url: str, queries: int, explain: int) -> None:
    engine = make_engine(url)
    log = StatementLog(engine)
    factory = make_session_factory(engine)
    accounts = _account_ids(url)
    values = _values(url)
    mix = QueryMaker(random.Random(SEED + 1), values).mix(queries)
    warmup = QueryMaker(random.Random(SEED + 2), values).mix(len(FLAG_KINDS + MOVEMENT_KINDS))
    print(f"\nwarm-up: {len(warmup)} searches (not counted) ...", flush=True)
    for q in warmup:
        run_query(factory, log, accounts, q)
    print(f"measuring {len(mix)} searches, one at a time, page size {PAGE_SIZE} ...", flush=True)
    samples = [run_query(factory, log, accounts, q) for q in mix]
    engine.dispose()
    report(samples, url, explain)


def _account_ids(url: str) -> dict[str, int]:
    """Demo accounts by token suffix (``inspector_my``), found by the demo's fixed tokens."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        ids = {
            suffix: conn.execute(
                select(Account.id).where(Account.token_hash == hash_token(token))
            ).scalar_one()
            for suffix, token in demo_tokens().items()
        }
    engine.dispose()
    return ids


# --- the run -----------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--movements", type=int, default=1_000_000, help="shipments to load")
    parser.add_argument(
        "--notifications", type=int, default=20_000, help="notifications they belong to"
    )
    parser.add_argument("--queries", type=int, default=200, help="searches to time")
    parser.add_argument(
        "--explain", type=int, default=3, help="EXPLAIN ANALYZE the N slowest searches"
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_SERVER,
        help="any URL on the PostgreSQL server to use; a fresh database is created there",
    )
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument(
        "--database", help="time the searches on this kept bench database (no seeding, no drop)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, terminate_as_exit)
    if args.database:
        kept = make_url(args.database_url).set(database=args.database)
        measure(kept.render_as_string(hide_password=False), args.queries, args.explain)
        return
    with fresh_database(args.database_url, "bench_search", args.keep) as url:
        print(f"seeding {args.notifications:,} notifications, {args.movements:,} movements ...")
        started = _last_step[0] = time.perf_counter()
        seed(url, args.notifications, args.movements)
        print(f"seeded in {time.perf_counter() - started:.1f} s")
        describe(url)
        measure(url, args.queries, args.explain)


if __name__ == "__main__":
    main()
