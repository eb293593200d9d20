"""The fifteen screening rules, in order. Each takes a prepared ``Case`` and returns its flags."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.screening.case import Case
from app.screening.domain import Flag
from app.screening.rules.documents import (
    s01_hazardous_goods_without_notification,
    s02_notification_not_in_force,
    s03_outside_validity,
    s04_quantity_beyond_remaining,
    s05_too_many_shipments,
)
from app.screening.rules.goods import s08_misdeclared_goods, s10_mass_differs
from app.screening.rules.movements import s09_cloned_movement, s14_exit_without_arrival
from app.screening.rules.parties import (
    s07_parties_differ,
    s11_carrier_not_notified,
    s12_known_offender,
)
from app.screening.rules.route import s06_off_route, s13_destination_barred, s15_port_hopping

Rule = Callable[[Case], Iterable[Flag]]

RULES: tuple[tuple[str, Rule], ...] = (
    ("S01", s01_hazardous_goods_without_notification),
    ("S02", s02_notification_not_in_force),
    ("S03", s03_outside_validity),
    ("S04", s04_quantity_beyond_remaining),
    ("S05", s05_too_many_shipments),
    ("S06", s06_off_route),
    ("S07", s07_parties_differ),
    ("S08", s08_misdeclared_goods),
    ("S09", s09_cloned_movement),
    ("S10", s10_mass_differs),
    ("S11", s11_carrier_not_notified),
    ("S12", s12_known_offender),
    ("S13", s13_destination_barred),
    ("S14", s14_exit_without_arrival),
    ("S15", s15_port_hopping),
)

RULE_ORDER: dict[str, int] = {rule_id: i for i, (rule_id, _) in enumerate(RULES)}
"""Each rule's place in ``RULES``: flags come out in this order."""
