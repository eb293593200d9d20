"""Many movements under a general notification from one CSV file; each row stands alone.

Columns: ``quantity,shipment_date,packaging,carriers,containers,additional_information`` where
``packaging`` is ``code:count`` pairs separated by ``;`` (``4:20;8:1``), ``carriers`` is
``party_id:mode`` pairs in order (``3:R;3:S``) and ``containers`` ISO 6346 numbers separated by
``;``. A bad row is reported with its line and reasons and saves nothing; good rows are created.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import ValidationError

from app.core.errors import BaselTrackError, InvalidInput
from app.movements.schemas import BatchResult, BatchRowResult, MovementIn

MAX_BATCH_BYTES = 2_000_000
MAX_BATCH_ROWS = 1_000
COLUMNS = (
    "quantity",
    "shipment_date",
    "packaging",
    "carriers",
    "containers",
    "additional_information",
)


def _pairs(text: str, left: str, right: str) -> list[dict[str, str]]:
    out = []
    for item in filter(None, (p.strip() for p in text.split(";"))):
        a, sep, b = item.partition(":")
        if not sep:
            raise ValueError(f"{item!r} is not of the form {left}:{right}")
        out.append({left: a.strip(), right: b.strip()})
    return out


def parse_row(row: dict[str, str]) -> MovementIn:
    return MovementIn.model_validate(
        {
            "quantity": row.get("quantity", "").strip(),
            "shipment_date": row.get("shipment_date", "").strip(),
            "packaging": _pairs(row.get("packaging", ""), "code", "count"),
            "carriers": _pairs(row.get("carriers", ""), "party_id", "means_of_transport"),
            "containers": [
                c.strip() for c in (row.get("containers") or "").split(";") if c.strip()
            ],
            "additional_information": (row.get("additional_information") or "").strip() or None,
        }
    )


def read_rows(raw: bytes) -> list[tuple[int, dict[str, str]]]:
    if len(raw) > MAX_BATCH_BYTES:
        raise InvalidInput.on(
            "file", "batch.too_large", f"The file is larger than {MAX_BATCH_BYTES} bytes; split it."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput.on("file", "batch.encoding", "The file is not UTF-8 text.") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput.on(
            "file",
            "batch.columns",
            f"Missing column(s): {', '.join(missing)}. Expected: {', '.join(COLUMNS)}.",
        )
    rows = [(reader.line_num, row) for row in reader]
    if len(rows) > MAX_BATCH_ROWS:
        raise InvalidInput.on(
            "file", "batch.too_many_rows", f"At most {MAX_BATCH_ROWS} rows per file."
        )
    return rows


def row_errors(exc: Exception) -> list[dict[str, str]]:
    if isinstance(exc, ValidationError):
        return [
            {"field": ".".join(str(p) for p in e["loc"]), "rule": e["type"], "message": e["msg"]}
            for e in exc.errors()
        ]
    if isinstance(exc, BaselTrackError):
        return [e.as_dict() for e in exc.errors] or [
            {"field": "", "rule": exc.rule or exc.slug, "message": exc.detail}
        ]
    return [{"field": "", "rule": "row.invalid", "message": str(exc)}]


def summarise(rows: list[BatchRowResult]) -> BatchResult:
    created = sum(r.ok for r in rows)
    return BatchResult(created=created, failed=len(rows) - created, rows=rows)


def result_row(line: int, movement: Any) -> BatchRowResult:
    return BatchRowResult(
        line=line, ok=True, movement_id=movement.id, document_no=movement.document_no
    )
