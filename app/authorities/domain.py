"""Legal-destination rules: import prohibitions (Basel Art. 4(1)) and the Ban Amendment (Art. 4A).

Pure code: the data (Annex VII states, states bound by the Ban Amendment) are CSV files in
``app/reference/data/`` with a source per row; prohibitions come from the caller (the database
holds what each state notified). A refusal is a RuleViolation naming the rule and its source.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal

from app.core.errors import RuleViolation
from app.reference.domain import (
    Code,
    CodeList,
    WasteIdentification,
    code_list,
    country_name,
    hazard_reasons,
    read_data_file,
)

BAN_AMENDMENT_IN_FORCE = date(2019, 12, 5)
BAN_AMENDMENT_RULE = "basel.art4A.ban_amendment"
BAN_AMENDMENT_SOURCE = (
    "Basel Convention Art. 4A (Ban Amendment, decision III/1), in force 5 December 2019"
)
IMPORT_PROHIBITION_RULE = "basel.art4_1.import_prohibition"

ProhibitionScope = Literal["code", "y_code", "category", "operation", "all_hazardous", "all"]


@dataclass(frozen=True)
class ImportProhibition:
    """A prohibition of imports notified by ``country`` under Basel Art. 4(1)(a).

    ``scope`` and ``value`` say what it covers:

    - ``code``: one waste code (``value``), matched against basel_code, oecd_code and eu_code,
      e.g. ``A1160`` or ``16 06 01*`` (written in any form the code lists accept);
    - ``y_code``: one Y-code (``value``, e.g. ``Y31``) among the waste's y_codes;
    - ``category``: ``value`` is ``hazardous`` (Art. 1(1), see ``is_hazardous``), ``other``
      (Annex II, Y46-Y49, Art. 1(2)), or a code-list name - ``basel_annex_viii``,
      ``basel_annex_ix``, ``oecd`` or ``eu_low`` - meaning every waste identified by a code of
      that list;
    - ``operation``: one Annex IV code (``value``, e.g. ``D1``), or ``disposal`` / ``recovery``
      for every operation of that kind;
    - ``all_hazardous``: every hazardous waste (``value`` is None);
    - ``all``: every waste the Convention covers, hazardous or other (``value`` is None).
    """

    country: str
    scope: ProhibitionScope
    value: str | None
    source: str


@cache
def _annex_vii_states() -> frozenset[str]:
    return frozenset(row["code"] for row in read_data_file("annex_vii_states.csv"))


@cache
def _ban_bound_since() -> dict[str, date]:
    rows = read_data_file("ban_amendment_parties.csv")
    return {row["code"]: date.fromisoformat(row["bound_since"]) for row in rows}


def annex_vii(country: str) -> bool:
    """True for the Basel Annex VII states: OECD members, EU member states, Liechtenstein."""
    return country.strip().upper() in _annex_vii_states()


def ban_bound(country: str, on: date) -> bool:
    """True if ``country`` is bound by the Ban Amendment (Art. 4A) on ``on``."""
    since = _ban_bound_since().get(country.strip().upper())
    return since is not None and since <= on


def check_ban_amendment(
    *, export_country: str, import_country: str, waste: WasteIdentification, on: date
) -> None:
    """Refuse hazardous waste from a bound Annex VII state to a state outside Annex VII.

    Art. 4A covers every operation (disposal and recovery). Before 5 December 2019 it does not
    apply; afterwards it binds each exporting state from the date in ban_amendment_parties.csv.
    """
    exporter, importer = export_country.strip().upper(), import_country.strip().upper()
    if not (annex_vii(exporter) and ban_bound(exporter, on)) or annex_vii(importer):
        return
    reasons = hazard_reasons(waste, on=on)
    if not reasons:
        return
    detail = (
        f"Export of hazardous waste ({'; '.join(reasons)}) from {country_name(exporter)} "
        f"({exporter}) to {country_name(importer)} ({importer}) is prohibited: {exporter} is a "
        f"Basel Annex VII state bound by the Ban Amendment and {importer} is not in Annex VII "
        "(OECD, EU, Liechtenstein). Choose a facility in an Annex VII state."
    )
    raise RuleViolation(detail, rule=BAN_AMENDMENT_RULE, source=BAN_AMENDMENT_SOURCE)


def _same_code(codes: CodeList, a: str, b: str) -> bool:
    """Compare two codes as the list normalises them (case, spaces, EU LoW star)."""
    found = codes.get(a)
    return found is not None and found is codes.get(b)


def _identified_by(waste: WasteIdentification) -> list[tuple[CodeList, Code]]:
    """The known codes of block 14 (i)-(iii), each with the list it belongs to."""
    basel = code_list("basel_annex_viii"), code_list("basel_annex_ix")
    given = [(codes, waste.basel_code) for codes in basel]
    given += [(code_list("oecd"), waste.oecd_code), (code_list("eu_low"), waste.eu_code)]
    pairs = [(codes, codes.get(code)) for codes, code in given if code]
    return [(codes, found) for codes, found in pairs if found is not None]


def _category_matches(value: str, waste: WasteIdentification, on: date) -> bool:
    if value == "hazardous":
        return bool(hazard_reasons(waste, on=on))
    if value == "other":
        y_codes = [code_list("basel_y").get(y) for y in waste.y_codes]
        return any(y is not None and y.extra["annex"] == "II" for y in y_codes)
    return any(codes.name == value for codes, _ in _identified_by(waste))


def _operation_matches(value: str, operations: Sequence[str]) -> bool:
    codes = code_list("basel_operations")
    if value.lower() in ("disposal", "recovery"):
        found = [codes.get(op) for op in operations]
        return any(op is not None and op.extra["kind"] == value.lower() for op in found)
    return any(_same_code(codes, value, op) for op in operations)


def prohibition_applies(
    prohibition: ImportProhibition,
    *,
    waste: WasteIdentification,
    operations: Sequence[str],
    on: date,
) -> bool:
    """True if ``prohibition`` covers this waste and these operations (country not checked)."""
    value = (prohibition.value or "").strip()
    match prohibition.scope:
        case "all":
            return True
        case "all_hazardous":
            return _category_matches("hazardous", waste, on)
        case "category":
            return _category_matches(value.lower(), waste, on)
        case "code":
            return any(_same_code(codes, value, c.code) for codes, c in _identified_by(waste))
        case "y_code":
            return any(_same_code(code_list("basel_y"), value, y) for y in waste.y_codes)
        case "operation":
            return _operation_matches(value, operations)
    return False


def describe_prohibition(prohibition: ImportProhibition) -> str:
    """What the prohibition covers, in words for a refusal message."""
    value = prohibition.value
    descriptions = {
        "all": "all hazardous and other wastes",
        "all_hazardous": "all hazardous wastes",
        "category": f"wastes of the category '{value}'",
        "code": f"waste coded {value}",
        "y_code": f"waste of category {value}",
        "operation": f"waste destined for {value}",
    }
    return descriptions[prohibition.scope]


def check_import_prohibitions(
    prohibitions: Iterable[ImportProhibition],
    *,
    import_country: str,
    waste: WasteIdentification,
    operations: Sequence[str],
    on: date,
) -> None:
    """Refuse the movement if a prohibition notified by the state of import covers it.

    Basel Art. 4(1)(b): Parties shall not permit the export to a Party that has prohibited the
    import of such wastes. The first matching prohibition is reported, with its own source.
    """
    importer = import_country.strip().upper()
    for prohibition in prohibitions:
        if prohibition.country.strip().upper() != importer:
            continue
        if prohibition_applies(prohibition, waste=waste, operations=operations, on=on):
            detail = (
                f"{country_name(importer)} ({importer}) prohibits the import of "
                f"{describe_prohibition(prohibition)} (Basel Art. 4(1)); this movement falls "
                f"under it. Source: {prohibition.source}."
            )
            raise RuleViolation(detail, rule=IMPORT_PROHIBITION_RULE, source=prohibition.source)
