"""Screen a CSV declarations file against an in-memory context, on one process or several.

One process: ``CsvBatchAdapter`` and ``screen``, declaration after declaration. Several: the
file is cut into chunks of whole declarations (``split_chunks``); ``processes - 1`` worker
processes parse and screen chunks, and so does this process whenever the workers have enough
queued (it also cuts the file and collects the results, so it takes fewer chunks). Results are
put back in file order. Every rule but one looks at a declaration and the context alone, so it
answers the same in any process. S09 (movement document declared twice) depends on the
declarations before it in the file: chunks are screened without it, and this process runs it
(``clone_flag``) on the results in file order, then records the declaration, exactly as the
one-process path does. The outcome is the same, in the same order, with the same flags in the
same order, whatever the number of processes (tests/screening/test_batch.py).

Memory stays flat: a few chunks are in flight at a time; what grows with the file is the
context's record of the movement documents already declared (one entry per document, for S09).
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import IO, Any

from app.screening.config import ScreeningConfig
from app.screening.domain import Flag, InMemoryContext, Severity
from app.screening.engine import screen
from app.screening.rules import RULE_ORDER
from app.screening.rules.movements import clone_flag
from customs_adapters.base import ParsedRow, RowError
from customs_adapters.csv_batch import CsvBatchAdapter, CsvChunk, parse_chunk, split_chunks

CLONE_RULE = "S09"
QUEUED_PER_WORKER = 3
"""Chunks submitted to each worker and not done yet: enough that it never waits for the next
while this process screens one (2 left it idle a tenth of the time; 3 and 4 measure the same)."""
PIPE_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Screened:
    """One declaration of the file: where it starts, its id, and its flags in rule order."""

    position: int
    declaration_id: str
    flags: tuple[Flag, ...]


Outcome = Screened | RowError

_FlagFields = tuple[str, Severity, str, dict[str, Any]]
_ChunkResult = list[RowError | tuple[int, str, str | None, str, list[_FlagFields]]]
"""Per row of a chunk: a row error, or position, declaration id, movement document, direction
and the flags but S09, each as a plain tuple of its fields: tuples unpickle in C, flags would run
Python code in the thread that receives a worker's results, competing with this one."""
_Pending = Future[_ChunkResult] | _ChunkResult | RowError


def screen_rows(
    rows: Iterable[ParsedRow], context: InMemoryContext, config: ScreeningConfig
) -> Iterator[Outcome]:
    """Screen parsed rows in order, each declaration recorded after it is screened (S09)."""
    for row in rows:
        if isinstance(row, RowError):
            yield row
            continue
        d = row.declaration
        flags = screen(d, context, config)
        context.record(d.movement_id, d.direction, d.declaration_id)
        yield Screened(row.position, d.declaration_id, tuple(flags))


def screen_csv(
    stream: IO[bytes],
    context: InMemoryContext,
    config: ScreeningConfig,
    *,
    processes: int = 1,
    rows_per_chunk: int = 2000,
) -> Generator[Outcome, None, None]:
    """Every row of a CSV batch file screened, in file order: a ``Screened`` declaration or the
    ``RowError`` that kept it out. ``processes`` > 1: this process and ``processes - 1``
    workers parse and screen; the outcome is the same."""
    with _frozen_heap():
        if processes <= 1:
            yield from screen_rows(CsvBatchAdapter().parse(stream), context, config)
        else:
            yield from _screen_in_processes(stream, context, config, processes, rows_per_chunk)


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Keep what exists now (above all the context: 100,000s of notifications and movements) out
    of garbage collections while the file is screened. A full collection walks every object, a
    few tenths of a second with such a context, and it comes back every few thousand results:
    time lost here, and in the workers waiting for this process to take their results. Left
    alone if the application has frozen objects itself."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _screen_in_processes(
    stream: IO[bytes],
    context: InMemoryContext,
    config: ScreeningConfig,
    processes: int,
    rows_per_chunk: int,
) -> Iterator[Outcome]:
    without_clones = _without_clone_rule(config)
    workers = processes - 1
    with ProcessPoolExecutor(
        workers,
        mp_context=_fork_if_possible(),
        initializer=_start_worker,
        initargs=(context, config),
    ) as pool:
        _widen_pipes(pool)
        pending: deque[_Pending] = deque()
        for item in split_chunks(stream, rows_per_chunk):
            if isinstance(item, RowError):
                pending.append(item)
            elif _queued(pending) < QUEUED_PER_WORKER * workers:
                pending.append(pool.submit(_work, item))
            else:
                pending.append(_screen_chunk(item, context, without_clones))
            while pending and _is_ready(pending[0]):
                yield from _finish(pending.popleft(), context, config)
        while pending:
            yield from _finish(pending.popleft(), context, config)


def _widen_pipes(pool: ProcessPoolExecutor) -> None:
    """Let a whole chunk (about 450 KB) and a chunk's results sit in the pipes between the
    processes: 1 MiB instead of Linux's 64 KiB. Otherwise a message crosses in 64 KiB steps, each
    waiting for the executor's helper thread to get the interpreter from this busy thread, and
    the worker idled a fifth of the time (300,000 declarations, alternating runs: 47,700/s and
    43,600/s against 39,200/s and 31,800/s). The pipes are private attributes of the executor:
    if they are not there, or the system refuses (not Linux, a lower pipe-max-size), they keep
    their size (tests/screening/test_batch.py notices)."""
    executor: Any = pool  # its queues are not public API
    try:
        import fcntl

        for queue in (executor._call_queue, executor._result_queue):
            fcntl.fcntl(queue._writer.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


def _queued(pending: deque[_Pending]) -> int:
    return sum(1 for item in pending if isinstance(item, Future) and not item.done())


def _is_ready(item: _Pending) -> bool:
    return not isinstance(item, Future) or item.done()


def _finish(item: _Pending, context: InMemoryContext, config: ScreeningConfig) -> Iterator[Outcome]:
    """A chunk's results (or an error found while cutting the file), in file order, with S09."""
    if isinstance(item, RowError):
        yield item
        return
    clones_checked = CLONE_RULE in config.enabled_rules
    for result in item.result() if isinstance(item, Future) else item:
        if isinstance(result, RowError):
            yield result
            continue
        position, declaration_id, movement_id, direction, found = result
        flags = [Flag(*fields) for fields in found]
        if movement_id:  # S09 and the record it reads concern cited movement documents only
            if clones_checked:
                clone = clone_flag(context, config, movement_id, direction, declaration_id)
                if clone is not None:
                    flags.insert(_rule_position(flags, CLONE_RULE), clone)
            context.record(movement_id, direction, declaration_id)
        yield Screened(position, declaration_id, tuple(flags))


def _rule_position(flags: list[Flag], rule_id: str) -> int:
    """Where a flag of ``rule_id`` goes among ``flags``, which are in rule order."""
    return sum(1 for f in flags if RULE_ORDER[f.rule_id] < RULE_ORDER[rule_id])


def _without_clone_rule(config: ScreeningConfig) -> ScreeningConfig:
    return replace(config, enabled_rules=config.enabled_rules - {CLONE_RULE})


def _screen_chunk(
    chunk: CsvChunk, context: InMemoryContext, config: ScreeningConfig
) -> _ChunkResult:
    """Parse and screen one chunk, S09 aside."""
    results: _ChunkResult = []
    for row in parse_chunk(chunk):
        if isinstance(row, RowError):
            results.append(row)
            continue
        d = row.declaration
        flags = screen(d, context, config)
        found = [(f.rule_id, f.severity, f.explanation, f.evidence) for f in flags]
        results.append((row.position, d.declaration_id, d.movement_id, d.direction, found))
    return results


def _work(chunk: CsvChunk) -> _ChunkResult:
    """``_screen_chunk`` in a worker process, with what ``_start_worker`` kept."""
    assert _worker is not None, "worker not started"
    return _screen_chunk(chunk, *_worker)


def _fork_if_possible() -> Any:
    """Fork: the workers share this process's context (100,000s of notifications) instead of
    receiving a pickled copy each. Elsewhere (no fork) the context is pickled once per worker."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


# --- in the worker processes ---------------------------------------------------------------------

_worker: tuple[InMemoryContext, ScreeningConfig] | None = None


def _start_worker(context: InMemoryContext, config: ScreeningConfig) -> None:
    """Keep the context and the configuration without S09. ``gc.freeze``: the inherited context
    is never walked by this process's garbage collector, which would copy the pages it touches."""
    global _worker
    gc.freeze()
    _worker = (context, _without_clone_rule(config))
