"""Builders of DecisionView for the consents and notifications tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from app.consents.domain import Capacity, DecisionStatus, DecisionView
from app.regimes.domain import WorkCalendar

COUNTRY_OF = {Capacity.EXPORT: "DE", Capacity.TRANSIT: "AT", Capacity.IMPORT: "SI"}


def decision(
    capacity: Capacity, status: DecisionStatus = DecisionStatus.PENDING, **changes: Any
) -> DecisionView:
    base = DecisionView(
        capacity=capacity,
        country=COUNTRY_OF[capacity],
        status=status,
        calendar=WorkCalendar(),
        allows_tacit_transit=False,
        valid_from=None,
        valid_to=None,
        info_requested_on=None,
        paused_days=0,
        info_requests=0,
    )
    return replace(base, **changes)


def consent(capacity: Capacity, valid_from: date, valid_to: date) -> DecisionView:
    return decision(capacity, DecisionStatus.CONSENTED, valid_from=valid_from, valid_to=valid_to)
