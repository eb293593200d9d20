"""Legal regimes as data, and the working-day arithmetic their deadlines need.

Every figure (how many days, counted from what, which article) lives in ``data/deadlines.csv`` and
``data/regimes.csv`` so an authority can check and change it without reading code. This module only
reads those two files once and does date arithmetic; it has no other I/O.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path

from app.core.errors import InvalidInput

DATA_DIR = Path(__file__).parent / "data"

STEPS: tuple[str, ...] = (
    "transmit",
    "export_info_request",
    "notifier_answer",
    "further_info_request",
    "acknowledge",
    "decision_export",
    "decision_transit",
    "decision_import",
    "decision_preconsented",
    "tacit_transit",
    "tacit_import",
    "consent_validity",
    "consent_validity_preconsented",
    "general_notification_max",
    "prior_notice",
    "receipt_confirmation",
    "receipt_confirmation_interim",
    "certificate",
    "certificate_max_after_receipt",
    "reimport",
    "illegal_takeback",
    "shipment_max_ahead",
    "date_shift_max",
)
"""Every step each regime must list in deadlines.csv (an empty amount = no deadline set)."""

TACIT_TRANSIT_POLICIES = frozenset({"opt_in", "always", "never"})


class RegimeCode(StrEnum):
    BASEL = "basel"
    EU = "eu-2024-1157"
    OECD = "oecd"


class DayUnit(StrEnum):
    CALENDAR = "calendar_days"
    WORKING = "working_days"


@dataclass(frozen=True)
class Deadline:
    """One time limit of one regime; ``amount`` is None where the regime sets none."""

    step: str
    amount: int | None
    unit: DayUnit
    counted_from: str
    source: str
    verified: bool


@dataclass(frozen=True)
class Regime:
    """Regime-level policy (who consents, when silence counts) plus its deadlines by step."""

    code: RegimeCode
    title: str
    source: str
    export_state_consents: bool
    tacit_transit: str
    tacit_import: bool
    max_further_info_requests: int
    deadlines: Mapping[str, Deadline]
    limits_info_requests: bool = False

    def deadline(self, step: str) -> Deadline:
        try:
            return self.deadlines[step]
        except KeyError:
            known = ", ".join(sorted(self.deadlines))
            raise ValueError(
                f"Regime {self.code} has no deadline step '{step}'; known steps: {known}"
            ) from None


@dataclass(frozen=True)
class WorkCalendar:
    """The working week and public holidays of one state (weekday numbers as ``date.weekday()``).

    Some states rest on Friday and Saturday, so the weekend is data, not a constant.
    """

    weekend: frozenset[int] = frozenset({5, 6})
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.weekend <= set(range(7)):
            raise ValueError(f"Weekend days must be 0 (Monday) to 6 (Sunday), got {self.weekend}")
        if len(self.weekend) == 7:
            raise ValueError("A calendar whose weekend is all seven days has no working day")

    def is_working_day(self, d: date) -> bool:
        return d.weekday() not in self.weekend and d not in self.holidays

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, start: date, n: int) -> date:
        """The date ``n`` working days after ``start`` (``start`` itself is not counted)."""
        if n < 0:
            raise ValueError(f"Number of working days must not be negative, got {n}")
        d = start
        for _ in range(n):
            d = self.next_working_day(d + timedelta(days=1))
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        days = (end - start).days
        return sum(1 for i in range(1, days + 1) if self.is_working_day(start + timedelta(i)))


def due_date(
    start: date, deadline: Deadline, calendar: WorkCalendar, *, paused_days: int = 0
) -> date | None:
    """The last day to act, or None when the regime sets no deadline for the step.

    ``paused_days`` are calendar days during which the clock stood still (a request for
    information stops it); they are added at the end. A working-day deadline that the pause
    pushes onto a rest day moves on to the next working day.
    """
    if deadline.amount is None:
        return None
    if paused_days < 0:
        raise ValueError(f"paused_days must not be negative, got {paused_days}")
    if deadline.unit is DayUnit.CALENDAR:
        return start + timedelta(days=deadline.amount + paused_days)
    due = calendar.add_working_days(start, deadline.amount)
    if paused_days:
        due = calendar.next_working_day(due + timedelta(days=paused_days))
    return due


def _parse_bool(value: str, where: str) -> bool:
    if value not in ("true", "false"):
        raise ValueError(f"{where}: expected true or false, got '{value}'")
    return value == "true"


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _load_deadlines() -> dict[RegimeCode, dict[str, Deadline]]:
    table: dict[RegimeCode, dict[str, Deadline]] = {code: {} for code in RegimeCode}
    for line, row in enumerate(_read_csv("deadlines.csv"), start=2):
        where = f"deadlines.csv line {line}"
        code = RegimeCode(row["regime"])
        step = row["step"]
        if step not in STEPS:
            raise ValueError(f"{where}: unknown step '{step}'")
        if step in table[code]:
            raise ValueError(f"{where}: step '{step}' listed twice for {code}")
        amount = int(row["amount"]) if row["amount"] else None
        table[code][step] = Deadline(
            step=step,
            amount=amount,
            unit=DayUnit(row["unit"]),
            counted_from=row["counted_from"],
            source=row["source"],
            verified=_parse_bool(row["verified"], where),
        )
    for code, steps in table.items():
        missing = [s for s in STEPS if s not in steps]
        if missing:
            raise ValueError(f"deadlines.csv: regime {code} lacks steps {', '.join(missing)}")
    return table


@cache
def _regimes() -> dict[RegimeCode, Regime]:
    deadlines = _load_deadlines()
    regimes: dict[RegimeCode, Regime] = {}
    for line, row in enumerate(_read_csv("regimes.csv"), start=2):
        where = f"regimes.csv line {line}"
        code = RegimeCode(row["regime"])
        if row["tacit_transit"] not in TACIT_TRANSIT_POLICIES:
            raise ValueError(f"{where}: tacit_transit must be one of {TACIT_TRANSIT_POLICIES}")
        regimes[code] = Regime(
            code=code,
            title=row["title"],
            source=row["source"],
            export_state_consents=_parse_bool(row["export_state_consents"], where),
            tacit_transit=row["tacit_transit"],
            tacit_import=_parse_bool(row["tacit_import"], where),
            max_further_info_requests=int(row["max_further_info_requests"]),
            deadlines=deadlines[code],
            limits_info_requests=_parse_bool(row["limits_info_requests"], where),
        )
    missing = [c for c in RegimeCode if c not in regimes]
    if missing:
        raise ValueError(f"regimes.csv lacks regimes {', '.join(missing)}")
    return regimes


def get_regime(code: str | RegimeCode) -> Regime:
    regimes = _regimes()
    try:
        return regimes[RegimeCode(code)]
    except ValueError:
        known = ", ".join(c.value for c in RegimeCode)
        raise InvalidInput.on(
            "regime", "regime.unknown", f"Unknown regime '{code}'; known regimes: {known}"
        ) from None


def all_regimes() -> list[Regime]:
    return list(_regimes().values())
