"""Screening a CSV batch in several processes gives exactly what one process gives: the same
outcomes in the same order, the same flags in the same order (S09 included, though it depends
on the declarations before it), and the same record of declared movement documents."""

from __future__ import annotations

import gc
import io
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from app.screening import InMemoryContext, ScreeningConfig, load_config
from app.screening.batch import PIPE_BYTES, Outcome, Screened, _widen_pipes, screen_csv
from app.screening.domain import Flag, party_key
from customs_adapters.base import RowError
from tests.customs_adapters.odd_csv import PLAIN_ROW, csv_file, odd_rows
from tests.screening.test_domain import MOVEMENT, NOTIFICATION

CONFIG = load_config()


def context() -> InMemoryContext:
    notifications = {
        f"N{i}": replace(NOTIFICATION, number=f"N{i}", shipments_used=i % 12) for i in range(10)
    }
    notifications["DE-2025-0001"] = NOTIFICATION
    movements = {
        f"MD-{i}": replace(MOVEMENT, movement_id=f"MD-{i}", notification_number=f"N{i % 10}")
        for i in range(30)
    }
    return InMemoryContext(
        today=date(2025, 3, 5),
        notifications=notifications,
        movements=movements,
        illegal_traffic_parties=frozenset({party_key("Batt Recovery NV")}),
    )


def batch() -> bytes:
    """Movement documents cited again and again, far apart, by export, import and transit
    declarations, some the same declaration sent twice; odd and broken rows in between."""
    rows: list[dict[str, str] | list[str]] = []
    for i in range(400):
        direction = ("export", "import", "transit")[i % 3]
        row = dict(
            PLAIN_ROW,
            declaration_id=f"D{i % 350}",  # the last 50 send earlier declarations again
            direction=direction,
            notification_number=f"N{i % 10}",
            movement_id=f"MD-{i % 37}",
            consignor_id="DE999" if i % 5 == 0 else "DE123",  # S07 next to S09
            net_mass_kg="12000" if i % 4 == 0 else "10000",  # S10 next to S09
        )
        rows.append(row)
    rows[100:100] = odd_rows(60, seed=11)
    return csv_file(rows)


def run(
    data: bytes, processes: int, rows_per_chunk: int, config: ScreeningConfig = CONFIG
) -> tuple[list[Outcome], dict[str, dict[str, str | set[str]]]]:
    ctx = context()
    outcomes = list(
        screen_csv(
            io.BytesIO(data), ctx, config, processes=processes, rows_per_chunk=rows_per_chunk
        )
    )
    return outcomes, ctx.declared


def flags_of(outcomes: list[Outcome]) -> list[list[str]]:
    return [[f.rule_id for f in o.flags] for o in outcomes if isinstance(o, Screened)]


def test_one_process_flags_clones_next_to_other_rules() -> None:
    outcomes, _ = run(batch(), 1, 2000)
    rules = flags_of(outcomes)
    assert any("S09" in r for r in rules) and any(isinstance(o, RowError) for o in outcomes)
    mixed = [r for r in rules if "S09" in r and "S07" in r and "S10" in r]
    assert mixed and all(r.index("S07") < r.index("S09") < r.index("S10") for r in mixed)


@pytest.mark.parametrize(("processes", "rows_per_chunk"), [(2, 1), (2, 7), (2, 50), (3, 13)])
def test_several_processes_give_what_one_gives(processes: int, rows_per_chunk: int) -> None:
    data = batch()
    expected, declared = run(data, 1, 2000)
    outcomes, parallel_declared = run(data, processes, rows_per_chunk)
    assert outcomes == expected
    assert parallel_declared == declared


def test_clone_rule_switched_off_stays_off_in_every_process() -> None:
    config = replace(CONFIG, enabled_rules=CONFIG.enabled_rules - {"S09"})
    data = batch()
    outcomes, _ = run(data, 2, 9, config)
    assert outcomes == run(data, 1, 2000, config)[0]
    assert not any("S09" in r for r in flags_of(outcomes))


def test_record_of_declared_documents_counts_other_declarations_only() -> None:
    ctx = context()
    assert ctx.times_declared("MD-1", "export", "A") == 0
    ctx.record("MD-1", "export", "A")
    ctx.record("MD-1", "export", "A")
    assert ctx.times_declared("MD-1", "export", "A") == 0
    assert ctx.times_declared("MD-1", "export", "B") == 1
    assert ctx.times_declared("MD-1", "import", "B") == 0
    ctx.record("MD-1", "export", "B")
    ctx.record("MD-1", "export", "C")
    assert ctx.times_declared("MD-1", "export", "A") == 2
    assert ctx.times_declared("MD-1", "export", "D") == 3
    ctx.record(None, "export", "E")
    assert ctx.declared == {"export": {"MD-1": {"A", "B", "C"}}}


def test_flags_pickle_as_they_are() -> None:
    flag = Flag("S04", "high", "Declared 12,000 kg.", {"declared_kg": 12000.0, "route": ["DE"]})
    assert pickle.loads(pickle.dumps(flag)) == flag


def test_pipes_to_the_workers_hold_a_whole_chunk() -> None:
    """``_widen_pipes`` reaches into the executor: this notices if Python moves its pipes."""
    fcntl = pytest.importorskip("fcntl")
    if not hasattr(fcntl, "F_GETPIPE_SZ"):
        pytest.skip("pipe sizes are a Linux feature")
    with ProcessPoolExecutor(1) as pool:
        _widen_pipes(pool)
        executor: Any = pool
        for queue in (executor._call_queue, executor._result_queue):
            assert fcntl.fcntl(queue._writer.fileno(), fcntl.F_GETPIPE_SZ) >= PIPE_BYTES


def test_stopping_early_ends_the_workers_and_unfreezes_the_heap() -> None:
    outcomes = screen_csv(io.BytesIO(batch()), context(), CONFIG, processes=2, rows_per_chunk=5)
    first = [next(outcomes) for _ in range(3)]
    outcomes.close()
    assert [o.position for o in first] == [2, 3, 4]
    assert gc.get_freeze_count() == 0
    assert not multiprocessing.active_children()
