"""Effective-dated code lists and the checks on block 14 (waste identification) of the forms.

The lists (Basel Annexes I-IV, VIII, IX; OECD; EU List of Waste; HS; UN numbers and classes;
ISO countries) are CSV files in ``data/`` with a ``source`` per row (see ``data/README.md``).
They are read once per process. A code keeps its row after it is withdrawn (``valid_to``) so
documents can be checked against the list in force on their own date.

Pure code: no database, no HTTP. Errors are the typed errors of ``app.core.errors``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from app.core.errors import FieldError, InvalidInput

DATA_DIR = Path(__file__).parent / "data"

ListName = Literal[
    "basel_y",
    "basel_h",
    "basel_operations",
    "basel_annex_viii",
    "basel_annex_ix",
    "oecd",
    "eu_low",
    "hs",
    "un_numbers",
    "un_classes",
    "countries",
]
OperationKind = Literal["disposal", "recovery"]

_CORE_COLUMNS = frozenset({"code", "title", "valid_from", "valid_to", "source"})


@dataclass(frozen=True)
class Code:
    """One row of a code list. ``extra`` holds the file's other columns (annex, kind, class...)."""

    code: str
    title: str
    list_name: str
    valid_from: date | None
    valid_to: date | None
    source: str
    extra: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    def in_force(self, on: date) -> bool:
        """True if the entry belongs to the list on ``on`` (both bounds inclusive)."""
        started = self.valid_from is None or self.valid_from <= on
        not_ended = self.valid_to is None or on <= self.valid_to
        return started and not_ended


# --- input normalisation: people type codes in many shapes; each list has one canonical form ---


def _compact(code: str) -> str:
    """Upper-case without any whitespace: ' a 1180 ' -> 'A1180'."""
    return "".join(code.split()).upper()


def _eu_low_form(code: str) -> str:
    """'160601', '16 06 01' and '16 06 01*' -> '16 06 01': the look-up key without the star.

    The star only repeats the hazardous flag, so a code is found with or without it and the
    canonical row (written with its star, e.g. ``16 06 01*``) is returned.
    """
    digits = _compact(code).rstrip("*")
    if len(digits) == 6 and digits.isdigit():
        return f"{digits[:2]} {digits[2:4]} {digits[4:]}"
    return code.strip()


def _un_number_form(code: str) -> str:
    """'2794', 'un 2794' -> 'UN2794'."""
    compact = _compact(code)
    return f"UN{compact}" if len(compact) == 4 and compact.isdigit() else compact


def _hs_digits(code: str) -> str:
    return _compact(code).replace(".", "")


def _hs_form(code: str) -> str:
    """'854911', '8549.11', '8549 11' -> '8549.11'; a heading stays 'NNNN'."""
    digits = _hs_digits(code)
    return f"{digits[:4]}.{digits[4:]}" if len(digits) == 6 else digits


@dataclass(frozen=True)
class _ListFile:
    file: str
    title: str
    hint: str
    normalise: Callable[[str], str] = _compact


_LIST_FILES: dict[str, _ListFile] = {
    "basel_y": _ListFile(
        "basel_y_codes.csv", "Basel Annexes I and II (Y-codes)", "Y-codes run from Y1 to Y49."
    ),
    "basel_h": _ListFile(
        "basel_h_codes.csv", "Basel Annex III (hazardous characteristics)", "For example H6.1."
    ),
    "basel_operations": _ListFile(
        "basel_operations.csv",
        "Basel Annex IV (disposal and recovery operations)",
        "Disposal is D1-D15, recovery R1-R13.",
    ),
    "basel_annex_viii": _ListFile(
        "basel_annex_viii.csv", "Basel Annex VIII (List A)", "For example A1160."
    ),
    "basel_annex_ix": _ListFile(
        "basel_annex_ix.csv", "Basel Annex IX (List B)", "For example B1010."
    ),
    "oecd": _ListFile(
        "oecd_codes.csv",
        "OECD Decision C(2001)107 green and amber lists (OECD-only codes)",
        "For example AC300 or GC010; Basel codes go in basel_code.",
    ),
    "eu_low": _ListFile(
        "eu_list_of_waste.csv",
        "EU List of Waste (Commission Decision 2000/532/EC)",
        "Give six digits, for example 16 06 01*.",
        _eu_low_form,
    ),
    "hs": _ListFile(
        "hs_waste_headings.csv", "HS 2022 waste headings", "For example 8549.", _hs_form
    ),
    "un_numbers": _ListFile(
        "un_numbers_waste.csv",
        "UN numbers (ADR Table A)",
        "Give UN and four digits, for example UN2794.",
        _un_number_form,
    ),
    "un_classes": _ListFile(
        "un_classes.csv",
        "UN Model Regulations hazard classes and divisions",
        "Classes are 1, 2.1-2.3, 3, 4.1-4.3, 5.1, 5.2, 6.1, 6.2, 7, 8, 9.",
    ),
    "countries": _ListFile(
        "countries.csv",
        "ISO 3166-1 alpha-2 country codes",
        "Give the two-letter code, for example DE.",
    ),
}


class CodeList:
    """One code list: look-up with normalised input, and checks that say what is wrong."""

    def __init__(
        self,
        name: str,
        title: str,
        codes: Iterable[Code],
        *,
        hint: str = "",
        normalise: Callable[[str], str] = _compact,
        replaced_by: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.title = title
        self._hint = hint
        self._normalise = normalise
        self._codes = {normalise(c.code): c for c in codes}
        self._replaced_by = {normalise(k): v for k, v in (replaced_by or {}).items()}
        self._replaces = {normalise(new): old for old, new in self._replaced_by.items()}

    def __len__(self) -> int:
        return len(self._codes)

    def __repr__(self) -> str:
        return f"CodeList({self.name!r}, {len(self)} codes)"

    def get(self, code: str) -> Code | None:
        """The canonical row for ``code`` whatever its dates, or None if the list never had it."""
        return self._codes.get(self._normalise(code))

    def codes(self, on: date | None = None) -> list[Code]:
        """All rows, or only those in force on ``on``."""
        return [c for c in self._codes.values() if on is None or c.in_force(on)]

    def problem(self, code: str, *, on: date | None, field: str) -> FieldError | None:
        """What is wrong with ``code`` on ``on`` (None: nothing). ``on=None`` skips the dates."""
        checked = self._check(code, on=on, field=field)
        return checked if isinstance(checked, FieldError) else None

    def require(self, code: str, *, on: date | None, field: str) -> Code:
        """The row for ``code``; InvalidInput naming the field, the code and the list otherwise."""
        checked = self._check(code, on=on, field=field)
        if isinstance(checked, FieldError):
            raise InvalidInput.on(checked.field, checked.rule, checked.message)
        return checked

    def _check(self, code: str, *, on: date | None, field: str) -> Code | FieldError:
        found = self.get(code)
        if found is None:
            message = f"{field}: '{code.strip()}' is not a code of {self.title}. {self._hint}"
            return FieldError(field, "code.unknown", message.strip())
        if on is not None and not found.in_force(on):
            return FieldError(field, "code.not_in_force", self._not_in_force(found, on, field))
        return found

    def _not_in_force(self, found: Code, on: date, field: str) -> str:
        if found.valid_from is not None and on < found.valid_from:
            message = (
                f"{field}: {found.code} of {self.title} is in force only from "
                f"{found.valid_from.isoformat()}, not on {on.isoformat()}."
            )
            predecessor = self._replaces.get(self._normalise(found.code))
            if predecessor:
                message += f" Before that date it was {predecessor}."
            return message
        ended = found.valid_to.isoformat() if found.valid_to else "?"
        message = (
            f"{field}: {found.code} of {self.title} was in force only until {ended}, "
            f"not on {on.isoformat()}."
        )
        successor = self._replaced_by.get(self._normalise(found.code))
        if successor:
            new = self.get(successor)
            since = (
                f" (in force from {new.valid_from.isoformat()})" if new and new.valid_from else ""
            )
            message += f" It was replaced by {successor}{since}."
        return message


def read_data_file(file_name: str) -> list[dict[str, str]]:
    """The rows of one CSV file in ``data/`` as dictionaries keyed by the header."""
    with (DATA_DIR / file_name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _parse_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@cache
def _replacements() -> dict[str, dict[str, str]]:
    by_list: dict[str, dict[str, str]] = {}
    for row in read_data_file("replacements.csv"):
        by_list.setdefault(row["list"], {})[row["code"]] = row["replaced_by"]
    return by_list


@cache
def code_list(name: ListName) -> CodeList:
    """The list called ``name``, read from its CSV the first time it is asked for."""
    spec = _LIST_FILES.get(name)
    if spec is None:
        raise ValueError(f"unknown code list {name!r}; known lists: {', '.join(_LIST_FILES)}")
    codes = (
        Code(
            code=row["code"],
            title=row["title"],
            list_name=name,
            valid_from=_parse_date(row.get("valid_from")),
            valid_to=_parse_date(row.get("valid_to")),
            source=row["source"],
            extra=MappingProxyType({k: v for k, v in row.items() if k not in _CORE_COLUMNS}),
        )
        for row in read_data_file(spec.file)
    )
    return CodeList(
        name,
        spec.title,
        codes,
        hint=spec.hint,
        normalise=spec.normalise,
        replaced_by=_replacements().get(name),
    )


def list_names() -> list[str]:
    """The names accepted by :func:`code_list`."""
    return list(_LIST_FILES)


# --- block 14: waste identification ---


@dataclass(frozen=True)
class WasteIdentification:
    """Block 14 of the notification and movement documents, items (i) to (xii)."""

    basel_code: str | None = None  # (i) Annex VIII (A...) or Annex IX (B...)
    oecd_code: str | None = None  # (ii)
    eu_code: str | None = None  # (iii) EU List of Waste
    national_export_code: str | None = None  # (iv) free text, not checked
    national_import_code: str | None = None  # (v) free text, not checked
    other_code: str | None = None  # (vi) free text, not checked
    y_codes: tuple[str, ...] = ()  # (vii)
    h_codes: tuple[str, ...] = ()  # (viii)
    un_class: str | None = None  # (ix)
    un_number: str | None = None  # (x)
    un_shipping_name: str | None = None  # (xi) free text, not checked
    hs_code: str | None = None  # (xii)


def _given(value: str | None) -> bool:
    return value is not None and value.strip() != ""


def _basel_code_problem(code: str, *, on: date, field: str) -> FieldError | None:
    """A-codes are checked in Annex VIII, B-codes in Annex IX; anything else is in neither."""
    lists = {"A": code_list("basel_annex_viii"), "B": code_list("basel_annex_ix")}
    basel_list = lists.get(_compact(code)[:1])
    if basel_list is not None:
        return basel_list.problem(code, on=on, field=field)
    titles = " or ".join(c.title for c in lists.values())
    message = f"{field}: '{code.strip()}' is not a code of {titles}; Basel codes start with A or B."
    return FieldError(field, "code.unknown", message)


def _hs_problem(hs_code: str, field: str) -> FieldError | None:
    digits = _hs_digits(hs_code)
    if digits.isdigit() and len(digits) in (4, 6):
        return None
    message = (
        f"{field}: '{hs_code.strip()}' is not an HS heading or subheading; "
        "give 4 digits (for example 8549) or 6 digits (for example 8549.11)."
    )
    return FieldError(field, "hs.malformed", message)


def _un_class_problem(w: WasteIdentification, field: str) -> FieldError | None:
    """The declared class must be the class of the UN number (ADR lists class 2 undivided)."""
    if not (_given(w.un_class) and _given(w.un_number)):
        return None
    entry = code_list("un_numbers").get(w.un_number or "")
    declared = code_list("un_classes").get(w.un_class or "")
    if entry is None or declared is None:
        return None  # already reported as unknown codes
    listed = entry.extra["class"]
    if declared.code == listed or declared.code.split(".")[0] == listed:
        return None
    message = (
        f"{field}: UN class {declared.code} does not match {entry.code} ({entry.title}), "
        f"which is class {listed} in {code_list('un_numbers').title}."
    )
    return FieldError(field, "un.class_mismatch", message)


def validate_waste(w: WasteIdentification, *, on: date, prefix: str = "waste") -> list[FieldError]:
    """Every problem of block 14 at once, each on its own field path (list items 0-based)."""
    checks: list[tuple[CodeList, str | None, str]] = [
        (code_list("oecd"), w.oecd_code, "oecd_code"),
        (code_list("eu_low"), w.eu_code, "eu_code"),
        (code_list("un_classes"), w.un_class, "un_class"),
        (code_list("un_numbers"), w.un_number, "un_number"),
    ]
    checks += [(code_list("basel_y"), y, f"y_codes.{i}") for i, y in enumerate(w.y_codes)]
    checks += [(code_list("basel_h"), h, f"h_codes.{i}") for i, h in enumerate(w.h_codes)]
    found = [
        codes.problem(value or "", on=on, field=f"{prefix}.{path}")
        for codes, value, path in checks
        if _given(value)
    ]
    if _given(w.basel_code):
        found.append(_basel_code_problem(w.basel_code or "", on=on, field=f"{prefix}.basel_code"))
    if _given(w.hs_code):
        found.append(_hs_problem(w.hs_code or "", f"{prefix}.hs_code"))
    found.append(_un_class_problem(w, f"{prefix}.un_class"))
    if not (_given(w.basel_code) or _given(w.oecd_code) or any(_given(y) for y in w.y_codes)):
        message = (
            f"{prefix}: give at least one of basel_code (Basel Annex VIII/IX), oecd_code or "
            "y_codes (Basel Annexes I/II): block 14 (i), (ii) or (vii) of the notification."
        )
        found.append(FieldError(prefix, "waste.code_required", message))
    return [error for error in found if error is not None]


@cache
def _waste_hs_prefixes() -> tuple[str, ...]:
    rows = code_list("hs").codes()
    return tuple(
        _hs_digits(c.code) for c in rows if "not waste-specific" not in c.extra["waste_stream"]
    )


def is_waste_hs(hs_code: str) -> bool:
    """True if the HS code falls under a heading/subheading that signals waste (a hint only).

    Headings that mix goods and their waste (bismuth, manganese...) are labelled
    "not waste-specific" in the data and do not count.
    """
    digits = _hs_digits(hs_code)
    return digits.isdigit() and any(digits.startswith(p) for p in _waste_hs_prefixes())


def hazard_reasons(w: WasteIdentification, *, on: date) -> list[str]:
    """Why the waste is hazardous under Basel Art. 1(1), codes in force on ``on`` (empty: not).

    Annex II Y46-Y49 alone make "other wastes" (Art. 1(2)), not hazardous waste.
    """

    def in_force(name: ListName, code: str | None) -> Code | None:
        found = code_list(name).get(code) if code and _given(code) else None
        return found if found is not None and found.in_force(on) else None

    reasons = []
    if (a_code := in_force("basel_annex_viii", w.basel_code)) is not None:
        reasons.append(f"{a_code.code} is in Basel Annex VIII (List A)")
    for y in w.y_codes:
        y_code = in_force("basel_y", y)
        if y_code is not None and y_code.extra["annex"] == "I":
            reasons.append(f"{y_code.code} is in Basel Annex I")
    oecd = in_force("oecd", w.oecd_code)
    if oecd is not None and "amber" in oecd.extra["list"]:
        reasons.append(f"{oecd.code} is on the OECD amber list")
    eu = in_force("eu_low", w.eu_code)
    if eu is not None and eu.extra["hazardous"] == "true":
        reasons.append(f"{eu.code} is a hazardous entry of the EU List of Waste")
    return reasons


def is_hazardous(w: WasteIdentification, *, on: date) -> bool:
    """Annex VIII code, Annex I Y-code (Y1-Y45), OECD amber code or hazardous EU LoW entry."""
    return bool(hazard_reasons(w, on=on))


# --- block 11: disposal / recovery operations ---


def operation_kind(code: str) -> OperationKind:
    """'disposal' for D1-D15, 'recovery' for R1-R13; InvalidInput for any other code."""
    operation = code_list("basel_operations").require(code, on=None, field="operation")
    return "disposal" if operation.extra["kind"] == "disposal" else "recovery"


def validate_operations(
    codes: Sequence[str], *, on: date, purpose: OperationKind, field: str = "operations"
) -> list[FieldError]:
    """Unknown codes, and codes whose kind differs from the declared purpose (block 3 B)."""
    operations = code_list("basel_operations")
    if not codes:
        message = (
            f"{field}: give at least one Basel Annex IV operation "
            "(D1-D15 for disposal, R1-R13 for recovery)."
        )
        return [FieldError(field, "operations.required", message)]
    errors = []
    for i, code in enumerate(codes):
        path = f"{field}.{i}"
        error = operations.problem(code, on=on, field=path)
        found = operations.get(code)
        if error is None and found is not None and found.extra["kind"] != purpose:
            message = (
                f"{path}: {found.code} is a {found.extra['kind']} operation of {operations.title} "
                f"but the notification is for {purpose}; one notification covers either "
                "disposal (D codes) or recovery (R codes)."
            )
            error = FieldError(path, "operations.purpose_mismatch", message)
        if error is not None:
            errors.append(error)
    return errors


# --- countries ---


def require_country(code: str, *, field: str) -> str:
    """The ISO 3166-1 alpha-2 code upper-cased; InvalidInput naming the field otherwise."""
    return code_list("countries").require(code, on=None, field=field).code


def country_name(code: str) -> str:
    """The ISO short name of a country, or the code itself if it is not an ISO code."""
    found = code_list("countries").get(code)
    return found.title if found is not None else code
