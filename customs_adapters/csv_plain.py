"""Plainly valid CSV rows, built into the canonical models without pydantic validation.

Validating a declaration with pydantic costs about as much as screening it, and a batch file
holds millions. Most rows are plainly valid: their cells are already in the form the models'
validators would give (upper-case ISO codes and office codes, an ISO date, HS digits without
dots, plain numbers) and within the models' length limits. Those cells are checked here and the
models built from them as they are (``trusted``). Anything else — an error, or a value pydantic
would convert ('de', '8549.11', '1e3', '007', '2025-03-01T00:00') — makes these functions return
None, and the adapter validates with pydantic, which decides and explains as before. The cells
come stripped from the adapter, so for every row accepted here pydantic would produce the very
same model (tests/customs_adapters/test_csv_plain.py checks this on thousands of odd rows).
"""

from __future__ import annotations

import re
import sys
from datetime import date
from decimal import Decimal
from typing import get_args

from annotated_types import MaxLen, MinLen
from pydantic import BaseModel

from customs_adapters.declaration import (
    ISO_ALPHA2,
    CustomsDeclaration,
    Direction,
    GoodsLine,
    Trader,
    TransportMode,
    trusted,
)

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch
_OFFICE = re.compile(r"[A-Z0-9]{4,17}").fullmatch
"""What ``_office_code`` returns unchanged."""
_HS = re.compile(r"[0-9]{4,10}").fullmatch
"""What ``_hs_code`` returns unchanged."""
_MASS = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,3})?").fullmatch
"""At most 12 + 3 digits: within max_digits=15 and decimal_places=3 however they are counted."""
_COUNT = re.compile(r"0|[1-9][0-9]{0,17}").fullmatch
_DIRECTIONS = frozenset(get_args(Direction))
_TRANSPORT_MODES = frozenset(get_args(TransportMode))


def _length(model: type[BaseModel], name: str) -> range:
    """The lengths a text field of ``model`` accepts (its min_length and max_length)."""
    low, high = 0, sys.maxsize
    for constraint in model.model_fields[name].metadata:
        if isinstance(constraint, MinLen):
            low = constraint.min_length
        elif isinstance(constraint, MaxLen):
            high = constraint.max_length
    return range(low, high + 1)


_ID = _length(CustomsDeclaration, "declaration_id")
_CARRIER = _length(CustomsDeclaration, "carrier")
_NOTIFICATION = _length(CustomsDeclaration, "notification_number")
_MOVEMENT = _length(CustomsDeclaration, "movement_id")
_NAME = _length(Trader, "name")
_TRADER_ID = _length(Trader, "identifier")
_DESCRIPTION = _length(GoodsLine, "description")


def plain_goods_line(
    hs_code: str, description: str, net_mass_kg: str, packages: str
) -> GoodsLine | None:
    """The goods line of these stripped cells, or None: validate with pydantic then."""
    if not (
        _HS(hs_code)
        and len(description) in _DESCRIPTION
        and _MASS(net_mass_kg)
        and _COUNT(packages)
    ):
        return None
    mass = Decimal(net_mass_kg)
    if not mass > 0:
        return None
    values = {
        "hs_code": hs_code,
        "description": description,
        "net_mass_kg": mass,
        "packages": int(packages),
    }
    return trusted(GoodsLine, values)


def plain_trader(name: str, country: str, identifier: str | None) -> Trader | None:
    """The trader of these stripped cells, or None: validate with pydantic then."""
    if len(name) not in _NAME or country not in ISO_ALPHA2:
        return None
    if identifier is not None and len(identifier) not in _TRADER_ID:
        return None
    return trusted(Trader, {"name": name, "country": country, "identifier": identifier})


def plain_declaration(
    cells: dict[str, str],
    goods: list[GoodsLine],
    transit_countries: list[str],
    containers: list[str],
) -> CustomsDeclaration | None:
    """The declaration of a group's first row (``cells``: stripped, by column name), its goods
    lines and its split lists; or None: validate with pydantic then."""
    declared_on, direction, mode = cells["declared_on"], cells["direction"], cells["transport_mode"]
    carrier = cells["carrier"] or None
    notification, movement = cells["notification_number"] or None, cells["movement_id"] or None
    countries = (
        cells["office_country"],
        cells["dispatch_country"],
        cells["destination_country"],
        *transit_countries,
    )
    if not (
        goods
        and len(cells["declaration_id"]) in _ID
        and _ISO_DATE(declared_on)
        and _OFFICE(cells["customs_office"])
        and direction in _DIRECTIONS
        and mode in _TRANSPORT_MODES
        and ISO_ALPHA2.issuperset(countries)
        and (carrier is None or len(carrier) in _CARRIER)
        and (notification is None or len(notification) in _NOTIFICATION)
        and (movement is None or len(movement) in _MOVEMENT)
    ):
        return None
    try:
        day = date.fromisoformat(declared_on)
    except ValueError:  # 2025-02-30
        return None
    declarant = plain_trader(
        cells["declarant_name"], cells["declarant_country"], cells["declarant_id"] or None
    )
    consignor = plain_trader(
        cells["consignor_name"], cells["consignor_country"], cells["consignor_id"] or None
    )
    consignee = plain_trader(
        cells["consignee_name"], cells["consignee_country"], cells["consignee_id"] or None
    )
    if declarant is None or consignor is None or consignee is None:
        return None
    values = {
        "declaration_id": cells["declaration_id"],
        "declared_on": day,
        "customs_office": cells["customs_office"],
        "office_country": cells["office_country"],
        "direction": direction,
        "declarant": declarant,
        "consignor": consignor,
        "consignee": consignee,
        "dispatch_country": cells["dispatch_country"],
        "destination_country": cells["destination_country"],
        "transit_countries": tuple(transit_countries),
        "goods": tuple(goods),
        "containers": tuple(containers),
        "transport_mode": mode,
        "carrier": carrier,
        "notification_number": notification,
        "movement_id": movement,
    }
    return trusted(CustomsDeclaration, values)
