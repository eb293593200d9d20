"""Batch screening of a declarations file with flat memory: the file is streamed row by row and
committed in chunks, each chunk in its own session (one transaction, savepoint per row)."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import typer
from sqlalchemy.orm import Session, sessionmaker

import app.models  # noqa: F401  every mapped class, so relationships resolve in a fresh process
from app.core.db import unit_of_work
from app.core.errors import InvalidInput
from app.customs.service import ingest
from customs_adapters.registry import get_adapter

FORMATS = {"csv": "csv_batch", "xml": "asycuda_xml", "json": "rest_json", "wco-json": "wco_json"}


class _Counting:
    """A binary stream that reports how far it has been read (for the progress bar)."""

    def __init__(self, stream: IO[bytes], on_read: Any) -> None:
        self.stream, self.on_read = stream, on_read

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.on_read(len(data))
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self.stream.readline(size)
        self.on_read(len(data))
        return data

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def screen_file(
    path: Path, *, fmt: str, country: str | None, factory: sessionmaker[Session], chunk: int = 500
) -> dict[str, Any]:
    if fmt not in FORMATS:
        raise typer.BadParameter(f"format must be one of {', '.join(FORMATS)}")
    options = {"office_country": country.upper()} if fmt == "xml" and country else {}
    adapter = get_adapter(FORMATS[fmt], **options)
    totals: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    severities: Counter[str] = Counter()
    problems: list[str] = []
    with (
        open(path, "rb") as raw,
        typer.progressbar(length=path.stat().st_size, label=f"Screening {path.name}") as bar,
    ):
        rows = adapter.parse(_Counting(raw, bar.update))  # type: ignore[arg-type]
        while batch := list(itertools.islice(rows, chunk)):
            with unit_of_work(factory) as session:
                try:
                    report = ingest(
                        session=session, account=None, rows=batch, via=fmt, keep_results=False
                    )
                except InvalidInput as exc:
                    raise typer.BadParameter(exc.detail) from None
            totals.update(
                received=report.received,
                duplicates=report.duplicates,
                flagged=report.flagged,
                errors=len(report.errors),
            )
            rules.update(report.by_rule)
            severities.update(report.by_severity)
            problems += [f"{e.position}: {e.reason}" for e in report.errors][: 100 - len(problems)]
    return {
        **{k: totals[k] for k in ("received", "duplicates", "flagged", "errors")},
        "flags_by_rule": dict(sorted(rules.items())),
        "flags_by_severity": dict(severities),
        "first_errors": problems,
    }
