"""A CSV file cut into chunks (``split_chunks``) and parsed chunk by chunk (``parse_chunk``)
gives exactly what parsing the whole file gives: the same rows, errors, positions and order."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from customs_adapters.base import ParsedRow
from customs_adapters.csv_batch import COLUMNS, CsvBatchAdapter, CsvChunk, parse_chunk, split_chunks
from tests.customs_adapters.odd_csv import PLAIN_ROW, comparable, csv_file, odd_rows


def in_chunks(data: bytes, rows_per_chunk: int) -> list[ParsedRow]:
    rows: list[ParsedRow] = []
    for item in split_chunks(io.BytesIO(data), rows_per_chunk):
        rows.extend(parse_chunk(item) if isinstance(item, CsvChunk) else [item])
    return rows


def whole(data: bytes) -> list[Any]:
    return comparable(list(CsvBatchAdapter().parse(io.BytesIO(data))))


def plain(count: int, **changes: str) -> list[dict[str, str] | list[str]]:
    return [dict(PLAIN_ROW, declaration_id=f"D{i}", **changes) for i in range(count)]


FILES = {
    "odd rows, CRLF": csv_file(odd_rows(700)),
    "odd rows, LF": csv_file(odd_rows(700, seed=3), line_end="\n"),
    "odd rows, CR": csv_file(odd_rows(300, seed=5), line_end="\r"),
    "quoted newlines": csv_file(plain(50, description='two\nlines, "quoted"\r\nthree')),
    "one declaration of many lines": csv_file(
        [dict(PLAIN_ROW, declaration_id="SAME") for _ in range(40)]
    ),
    "BOM and blank lines": b"\xef\xbb\xbf" + csv_file(plain(30)).replace(b"\r\n", b"\r\n\r\n"),
    "header only": csv_file([]),
    "empty": b"",
    "header lacks columns": b"declaration_id,hs_code\nA,8549\n",
    "header not UTF-8": b"declaration_id,\xff\n",
    "declaration_id twice (the last one counts)": csv_file(
        [
            [*(dict(PLAIN_ROW, declaration_id="X")[c] for c in COLUMNS), f"D{i // 2}"]
            for i in range(12)
        ]
        + [["short", "row"]],
        header=(*COLUMNS, "declaration_id"),
    ),
}


@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.parametrize("rows_per_chunk", [1, 2, 3, 10, 5000])
def test_chunks_parse_as_the_whole_file(name: str, rows_per_chunk: int) -> None:
    data = FILES[name]
    assert comparable(in_chunks(data, rows_per_chunk)) == whole(data)


def test_not_utf8_midway_ends_the_file_at_the_same_line() -> None:
    """The undecodable byte lies beyond the first 8 KiB the reader decodes: rows before it are
    read, the declaration being read is dropped, the error names the same line."""
    data = csv_file(odd_rows(400)) + b"D9,\xff\xfe\r\n" + csv_file(plain(5))
    expected = whole(data)
    assert expected[-1][0] == "error" and "not UTF-8" in expected[-1][2]
    for rows_per_chunk in (1, 7, 100):
        assert comparable(in_chunks(data, rows_per_chunk)) == expected


def test_unreadable_row_is_reported_in_its_chunk() -> None:
    """A field over the csv module's size limit is a ``csv.Error`` on that row only."""
    huge = dict(PLAIN_ROW, declaration_id="D2", description="x" * (csv.field_size_limit() + 1))
    data = csv_file([*plain(2), huge, *plain(3, carrier="Other")])
    expected = whole(data)
    assert any(row[0] == "error" and "cannot be read" in row[2] for row in expected)
    for rows_per_chunk in (1, 2, 100):
        assert comparable(in_chunks(data, rows_per_chunk)) == expected


def test_chunks_are_cut_between_declarations_only() -> None:
    rows = [dict(PLAIN_ROW, declaration_id=f"D{i // 4}") for i in range(40)]  # 4 lines each
    chunks = [c for c in split_chunks(io.BytesIO(csv_file(rows)), 3) if isinstance(c, CsvChunk)]
    assert len(chunks) == 10
    for chunk in chunks:
        ids = [row[0] for row in csv.reader(io.StringIO(chunk.text, newline=""))]
        assert len(ids) == 4 and len(set(ids)) == 1
    assert [c.lines_before for c in chunks] == [1 + 4 * i for i in range(10)]
    assert chunks[0].header == COLUMNS
