"""CSV batch files: one goods line per row, rows of one declaration next to each other.

Read row by row (never the whole file), so a batch of millions of rows runs in constant memory.
UTF-8 (a BOM is tolerated), comma-separated, one header row; column order is free.

| column | content |
|---|---|
| declaration_id | groups rows: consecutive rows with the same id are one declaration |
| declared_on | ISO date, e.g. 2025-03-01 |
| customs_office, office_country | office code (e.g. DE004250) and its ISO alpha-2 country |
| direction | export, import or transit |
| declarant_name, declarant_country, declarant_id | declarant (id optional) |
| consignor_name, consignor_country, consignor_id | consignor (id optional) |
| consignee_name, consignee_country, consignee_id | consignee (id optional) |
| dispatch_country, destination_country | ISO alpha-2 |
| transit_countries | ISO alpha-2 codes separated by ``;`` (may be empty) |
| hs_code, description, net_mass_kg, packages | the goods line of this row |
| containers | container numbers separated by ``;`` (may be empty) |
| transport_mode | R, T, S, A or W (Basel forms) |
| carrier, notification_number, movement_id | optional |

Declaration-level columns are taken from the first row of a group. A row that cannot be read is
reported with its line number; the declaration it belongs to is then not passed on at all (a
declaration missing one goods line would under-declare the load), which the reason says.

To parse in several processes, ``split_chunks`` cuts a file into chunks of whole declarations
and ``parse_chunk`` parses each to exactly the rows ``parse`` gives for those lines.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from pydantic import ValidationError

from customs_adapters.base import ParsedDeclaration, ParsedRow, RowError, to_row
from customs_adapters.csv_plain import plain_declaration, plain_goods_line
from customs_adapters.declaration import GoodsLine, describe_validation_error

HEADER_COLUMNS = (
    "declaration_id",
    "declared_on",
    "customs_office",
    "office_country",
    "direction",
    "declarant_name",
    "declarant_country",
    "declarant_id",
    "consignor_name",
    "consignor_country",
    "consignor_id",
    "consignee_name",
    "consignee_country",
    "consignee_id",
    "dispatch_country",
    "destination_country",
    "transit_countries",
)
GOODS_COLUMNS = ("hs_code", "description", "net_mass_kg", "packages")
TRAILER_COLUMNS = ("containers", "transport_mode", "carrier", "notification_number", "movement_id")
COLUMNS = HEADER_COLUMNS + GOODS_COLUMNS + TRAILER_COLUMNS
TRADER_ROLES = ("declarant", "consignor", "consignee")
_TRADER_COLUMNS = tuple(
    (role, f"{role}_name", f"{role}_country", f"{role}_id") for role in TRADER_ROLES
)
_validate_goods_line = GoodsLine.__pydantic_validator__.validate_python


def _split(value: str) -> list[str]:
    """``value`` is a stripped cell: 'NL; FR' → ['NL', 'FR'], '' → []."""
    if ";" not in value:
        return [value] if value else []
    return [part.strip() for part in value.split(";") if part.strip()]


@dataclass(slots=True)
class _Group:
    declaration_id: str
    first_line: int
    fields: dict[str, str]
    goods: list[GoodsLine] = field(default_factory=list)
    broken: bool = False

    def to_row(self) -> ParsedRow | None:
        if self.broken:
            return None
        f = self.fields
        transit, containers = _split(f["transit_countries"]), _split(f["containers"])
        plain = plain_declaration(f, self.goods, transit, containers)
        if plain is not None:
            return ParsedDeclaration(self.first_line, plain)
        data: dict[str, Any] = {
            "declaration_id": self.declaration_id,
            "declared_on": f["declared_on"],
            "customs_office": f["customs_office"],
            "office_country": f["office_country"],
            "direction": f["direction"],
            "dispatch_country": f["dispatch_country"],
            "destination_country": f["destination_country"],
            "transit_countries": transit,
            "goods": self.goods,
            "containers": containers,
            "transport_mode": f["transport_mode"],
            "carrier": f["carrier"] or None,
            "notification_number": f["notification_number"] or None,
            "movement_id": f["movement_id"] or None,
        }
        for role, name, country, identifier in _TRADER_COLUMNS:
            data[role] = {
                "name": f[name],
                "country": f[country],
                "identifier": f[identifier] or None,
            }
        return to_row(self.first_line, data)


class CsvBatchAdapter:
    name = "csv_batch"

    def parse(self, stream: IO[bytes]) -> Iterator[ParsedRow]:
        reader = csv.reader(_text(stream))
        header = yield from _header(reader)
        if header is not None:
            yield from _rows(reader, header)


def _text(stream: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", errors="strict")


def _header(reader: Any) -> Generator[RowError, None, list[str] | None]:
    """The column names, or None after yielding why the file cannot be read (or if empty)."""
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        return None
    except (UnicodeDecodeError, csv.Error) as error:
        yield RowError(1, f"header row cannot be read: {error}")
        return None
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        yield RowError(1, f"header lacks the columns {', '.join(missing)}")
        return None
    return header


def _is_blank(row: list[str]) -> bool:
    return not row or (len(row) == 1 and not row[0].strip())


def _rows(
    reader: Any, header: list[str], lines_before: int = 0, ends_file: bool = True
) -> Iterator[ParsedRow]:
    """Rows to declarations. ``lines_before``: lines of the file before the reader's first one
    (positions are file line numbers). ``ends_file`` False: the file was cut short by a reading
    error, and the declaration being read then is dropped as the whole-file reading drops it."""
    width = len(header)
    group: _Group | None = None
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except UnicodeDecodeError as error:
            yield RowError(
                lines_before + reader.line_num + 1, f"file is not UTF-8 from here on: {error}"
            )
            return
        except csv.Error as error:
            yield RowError(lines_before + reader.line_num, f"row cannot be read: {error}")
            if group:
                group.broken = True
            continue
        line = lines_before + reader.line_num
        if _is_blank(row):
            continue
        fields = dict(zip(header, map(str.strip, row), strict=False))
        declaration_id = fields.get("declaration_id", "")
        if group is None or declaration_id != group.declaration_id:
            if group is not None and (done := group.to_row()) is not None:
                yield done
            group = _Group(declaration_id, line, fields)
        if len(row) != width:
            group.broken = True
            yield RowError(
                line,
                f"row has {len(row)} columns, the header has {width}; "
                f"declaration '{declaration_id}' is not passed on",
            )
            continue
        try:
            group.goods.append(_goods_line(fields))
        except ValidationError as error:
            group.broken = True
            yield RowError(
                line,
                f"{describe_validation_error(error)}; "
                f"declaration '{declaration_id}' is not passed on",
            )
    if ends_file and group is not None and (done := group.to_row()) is not None:
        yield done


def _goods_line(fields: dict[str, str]) -> GoodsLine:
    """The row's goods line: built plainly when it can be (``csv_plain``), else validated."""
    hs_code, description = fields["hs_code"], fields["description"]
    net_mass_kg, packages = fields["net_mass_kg"], fields["packages"]
    plain = plain_goods_line(hs_code, description, net_mass_kg, packages)
    if plain is not None:
        return plain
    goods: GoodsLine = _validate_goods_line(
        {
            "hs_code": hs_code,
            "description": description,
            "net_mass_kg": net_mass_kg,
            "packages": packages,
        }
    )
    return goods


# --- the same file in chunks, for several processes ---------------------------------------------


@dataclass(frozen=True, slots=True)
class CsvChunk:
    """Consecutive whole declarations of a CSV file, as text, with what parsing them needs."""

    header: tuple[str, ...]
    text: str
    lines_before: int
    """Lines of the file before this chunk's first line (the header among them)."""
    ends_file: bool = True
    """False for the last chunk of a file that cannot be read further (see ``_rows``)."""


def parse_chunk(chunk: CsvChunk) -> Iterator[ParsedRow]:
    """Parse one chunk: the rows ``CsvBatchAdapter.parse`` yields for these lines of the file."""
    reader = csv.reader(io.StringIO(chunk.text, newline=""))
    return _rows(reader, list(chunk.header), chunk.lines_before, chunk.ends_file)


def split_chunks(stream: IO[bytes], rows_per_chunk: int = 2000) -> Iterator[CsvChunk | RowError]:
    """Cut a CSV file into chunks of about ``rows_per_chunk`` rows that ``parse_chunk`` can parse
    anywhere, in any order: together they give exactly what ``CsvBatchAdapter.parse`` gives.

    The file is read once with the same reader as ``parse`` (so records spanning lines, and the
    line numbers, are the same), and cut only where a row of a new declaration starts: between
    two full rows whose ``declaration_id`` differ. Errors of the header and an undecodable file
    are yielded here, in their place; every other row error is found by ``parse_chunk``.
    """
    reader_lines, chunk_lines = itertools.tee(_text(stream))
    reader = csv.reader(reader_lines)  # ``chunk_lines`` replays the lines the reader took
    header = yield from _header(reader)
    if header is None:
        return
    width, id_column = len(header), _last_index(header, "declaration_id")
    start = done = reader.line_num  # the chunk starts after line ``start``; rows end at ``done``
    _take(chunk_lines, start)
    rows, previous_id = 0, None
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except UnicodeDecodeError as error:
            text = _take(chunk_lines, done - start)
            yield CsvChunk(tuple(header), text, start, ends_file=False)
            yield RowError(reader.line_num + 1, f"file is not UTF-8 from here on: {error}")
            return
        except csv.Error:
            done = reader.line_num  # reported by parse_chunk, in this chunk
            continue
        if len(row) == width:
            declaration_id = row[id_column].strip()
            if rows >= rows_per_chunk and previous_id not in (None, declaration_id):
                yield CsvChunk(tuple(header), _take(chunk_lines, done - start), start)
                start, rows = done, 0
            previous_id = declaration_id
        elif not _is_blank(row):
            previous_id = None  # a broken row: no cut right after it
        rows += 1
        done = reader.line_num
    yield CsvChunk(tuple(header), "".join(chunk_lines), start)


def _take(lines: Iterator[str], count: int) -> str:
    return "".join(itertools.islice(lines, count))


def _last_index(header: list[str], name: str) -> int:
    """Where a full row's value for ``name`` is (the last such column, as ``dict(zip())``)."""
    return len(header) - 1 - header[::-1].index(name)
