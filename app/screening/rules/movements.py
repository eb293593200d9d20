"""Rules on the movement document's life: clones and lost loads (S09, S14)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from app.screening.case import Case
from app.screening.domain import Flag


def s09_cloned_movement(case: Case) -> Iterable[Flag]:
    """A movement crosses one export and one import office; transit may legitimately repeat."""
    d = case.declaration
    if not d.movement_id or d.direction == "transit":
        return ()
    earlier = case.context.times_declared(d.movement_id, d.direction, d.declaration_id)
    if earlier < 1:
        return ()
    return (
        case.config.flag(
            "S09",
            f"Movement document {d.movement_id} was already cited by {earlier} other "
            f"{d.direction} declaration(s); a document covers one shipment only.",
            movement_id=d.movement_id,
            direction=d.direction,
            earlier_declarations=earlier,
        ),
    )


def s14_exit_without_arrival(case: Case) -> Iterable[Flag]:
    movement = case.movement
    if movement is None or movement.exit_at is None:
        return ()
    days = case.config.arrival_days
    deadline = movement.exit_at + timedelta(days=days)
    arrivals = [day for day in (movement.entry_at, movement.received_at) if day is not None]
    arrived = min(arrivals) if arrivals else None
    if (arrived is None and case.context.today <= deadline) or (
        arrived is not None and arrived <= deadline
    ):
        return ()
    seen = (
        f"first recorded on {arrived}" if arrived else "not recorded by " + str(case.context.today)
    )
    return (
        case.config.flag(
            "S14",
            f"Movement {movement.movement_id} left on {movement.exit_at}; entry or receipt "
            f"is {seen}, beyond the {days} days allowed.",
            movement_id=movement.movement_id,
            exit_at=movement.exit_at.isoformat(),
            arrived_at=arrived.isoformat() if arrived else None,
            days=days,
        ),
    )
