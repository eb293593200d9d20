"""Rules on the movement document's life: clones and lost loads (S09, S14)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from app.screening.case import Case
from app.screening.config import ScreeningConfig
from app.screening.domain import Flag, ScreeningContext


def s09_cloned_movement(case: Case) -> Iterable[Flag]:
    d = case.declaration
    flag = clone_flag(case.context, case.config, d.movement_id, d.direction, d.declaration_id)
    return () if flag is None else (flag,)


def clone_flag(
    context: ScreeningContext,
    config: ScreeningConfig,
    movement_id: str | None,
    direction: str,
    declaration_id: str,
) -> Flag | None:
    """S09 on the three fields it reads, so a batch screened in several processes can run it
    in the one process that sees the declarations in file order. A movement crosses one export
    and one import office; transit may legitimately repeat."""
    if not movement_id or direction == "transit":
        return None
    earlier = context.times_declared(movement_id, direction, declaration_id)
    if earlier < 1:
        return None
    return config.flag(
        "S09",
        f"Movement document {movement_id} was already cited by {earlier} other "
        f"{direction} declaration(s); a document covers one shipment only.",
        movement_id=movement_id,
        direction=direction,
        earlier_declarations=earlier,
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
