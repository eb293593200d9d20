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
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from pydantic import ValidationError

from customs_adapters.base import ParsedRow, RowError, to_row
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


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


@dataclass
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
        data: dict[str, Any] = {
            "declaration_id": self.declaration_id,
            "declared_on": f["declared_on"],
            "customs_office": f["customs_office"],
            "office_country": f["office_country"],
            "direction": f["direction"],
            "dispatch_country": f["dispatch_country"],
            "destination_country": f["destination_country"],
            "transit_countries": _split(f["transit_countries"]),
            "goods": self.goods,
            "containers": _split(f["containers"]),
            "transport_mode": f["transport_mode"],
            "carrier": f["carrier"] or None,
            "notification_number": f["notification_number"] or None,
            "movement_id": f["movement_id"] or None,
        }
        for role in TRADER_ROLES:
            data[role] = {
                "name": f[f"{role}_name"],
                "country": f[f"{role}_country"],
                "identifier": f[f"{role}_id"] or None,
            }
        return to_row(self.first_line, data)


class CsvBatchAdapter:
    name = "csv_batch"

    def parse(self, stream: IO[bytes]) -> Iterator[ParsedRow]:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", errors="strict")
        reader = csv.reader(text)
        try:
            header = [name.strip() for name in next(reader)]
        except StopIteration:
            return
        except (UnicodeDecodeError, csv.Error) as error:
            yield RowError(1, f"header row cannot be read: {error}")
            return
        missing = [name for name in COLUMNS if name not in header]
        if missing:
            yield RowError(1, f"header lacks the columns {', '.join(missing)}")
            return
        yield from self._rows(reader, header)

    def _rows(self, reader: Any, header: list[str]) -> Iterator[ParsedRow]:
        width = len(header)
        group: _Group | None = None
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError as error:
                yield RowError(reader.line_num + 1, f"file is not UTF-8 from here on: {error}")
                return
            except csv.Error as error:
                yield RowError(reader.line_num, f"row cannot be read: {error}")
                if group:
                    group.broken = True
                continue
            line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            fields = dict(zip(header, (cell.strip() for cell in row), strict=False))
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
                group.goods.append(
                    GoodsLine(
                        hs_code=fields["hs_code"],
                        description=fields["description"],
                        net_mass_kg=fields["net_mass_kg"],
                        packages=fields["packages"],
                    )
                )
            except ValidationError as error:
                group.broken = True
                yield RowError(
                    line,
                    f"{describe_validation_error(error)}; "
                    f"declaration '{declaration_id}' is not passed on",
                )
        if group is not None and (done := group.to_row()) is not None:
            yield done
