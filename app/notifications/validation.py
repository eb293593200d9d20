"""Filing rules that need reference data and other records, as a pure function.

Every field problem is collected and reported at once (a person fixes a form in one go); legal
refusals (Ban Amendment, import prohibitions) come after, with the rule and its source named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.accounts.domain import RouteEntry
from app.authorities.domain import ImportProhibition, check_ban_amendment, check_import_prohibitions
from app.core.errors import FieldError, InvalidInput
from app.notifications.schemas import NotificationIn, WasteIn
from app.reference.domain import (
    WasteIdentification,
    require_country,
    validate_operations,
    validate_waste,
)
from app.regimes.domain import get_regime


@dataclass(frozen=True)
class PartyFacts:
    id: int
    kind: str
    country: str
    pre_consented: bool = False


@dataclass(frozen=True)
class AuthorityFacts:
    id: int
    country: str


def waste_identification(waste: WasteIn | Mapping[str, object]) -> WasteIdentification:
    data: dict[str, Any] = waste.model_dump() if isinstance(waste, WasteIn) else dict(waste)
    data["y_codes"] = tuple(data.get("y_codes") or ())
    data["h_codes"] = tuple(data.get("h_codes") or ())
    return WasteIdentification(**data)


def _capacity(position: int, length: int) -> str:
    if position == 0:
        return "export"
    return "import" if position == length - 1 else "transit"


def _resolve_route(
    data: NotificationIn, authorities: Sequence[AuthorityFacts], errors: list[FieldError]
) -> list[RouteEntry]:
    route: list[RouteEntry] = []
    seen: dict[str, int] = {}
    for i, state in enumerate(data.route):
        field = f"route.{i}"
        try:
            country = require_country(state.country, field=f"{field}.country")
        except InvalidInput as exc:
            errors.extend(exc.errors)
            continue
        if country in seen:
            errors.append(
                FieldError(
                    f"{field}.country",
                    "route.repeated_state",
                    f"{country} already stands at position {seen[country]} of the route; a state "
                    "may appear once (a transit state cannot also be the export or import state).",
                )
            )
            continue
        seen[country] = i
        candidates = [a for a in authorities if a.country == country]
        if state.authority_id is not None:
            candidates = [a for a in candidates if a.id == state.authority_id]
        if len(candidates) != 1:
            reason = (
                f"authority {state.authority_id} is not a competent authority of {country}"
                if state.authority_id is not None
                else f"{country} has {len(candidates)} competent authorities registered here; "
                "name one with authority_id"
                if candidates
                else f"no competent authority of {country} is registered"
            )
            errors.append(FieldError(f"{field}.authority_id", "route.authority", reason + "."))
            continue
        route.append(RouteEntry(country, _capacity(i, len(data.route)), candidates[0].id))
    return route


def _check_party(
    errors: list[FieldError],
    field: str,
    party: PartyFacts | None,
    kind: str,
    country: str | None = None,
    where: str = "",
) -> None:
    if party is None:
        errors.append(FieldError(field, "reference.unknown", "No such party is registered."))
    elif party.kind != kind:
        errors.append(
            FieldError(field, "party.kind", f"Party {party.id} is a {party.kind}, not a {kind}.")
        )
    elif country is not None and party.country != country:
        errors.append(
            FieldError(
                field,
                f"party.not_in_{where}",
                f"Party {party.id} is in {party.country}; the {kind} must be in the state of "
                f"{where} ({country}).",
            )
        )


def _check_period(data: NotificationIn, today: date, pre_consented: bool) -> list[FieldError]:
    errors: list[FieldError] = []
    regime = get_regime(data.regime)
    if data.last_departure < data.first_departure:
        errors.append(
            FieldError("last_departure", "period.order", "The period ends before it starts.")
        )
    if data.first_departure < today:
        errors.append(
            FieldError("first_departure", "period.past", f"{data.first_departure} is in the past.")
        )
    step = "consent_validity_preconsented" if pre_consented else "consent_validity"
    limit = regime.deadline(step).amount
    if data.shipment_type == "multiple":
        limit = regime.deadline("general_notification_max").amount or limit
    if limit and data.last_departure > data.first_departure + timedelta(days=limit):
        errors.append(
            FieldError(
                "last_departure",
                "period.max",
                f"The period may last at most {limit} days under {regime.title} "
                f"({regime.deadline(step).source}).",
            )
        )
    if data.shipment_type == "single" and data.intended_shipments != 1:
        errors.append(
            FieldError(
                "intended_shipments",
                "shipments.single",
                "A single-shipment notification has exactly one shipment; use 'multiple'.",
            )
        )
    if data.guarantee and data.guarantee.valid_until < data.last_departure:
        errors.append(
            FieldError(
                "guarantee.valid_until",
                "guarantee.covers_period",
                "The guarantee must stay valid at least until the last departure.",
            )
        )
    if data.declaration and data.declaration.signed_on > today:
        errors.append(
            FieldError("declaration.signed_on", "date.future", "The declaration is dated ahead.")
        )
    return errors


def check_filing(
    data: NotificationIn,
    *,
    notifier: PartyFacts,
    parties: Mapping[int, PartyFacts],
    authorities: Sequence[AuthorityFacts],
    prohibitions: Iterable[ImportProhibition],
    today: date,
) -> list[RouteEntry]:
    """Return the resolved route, or raise with every problem found."""
    errors: list[FieldError] = []
    route = _resolve_route(data, authorities, errors)
    export_country = data.route[0].country.upper()
    import_country = data.route[-1].country.upper()
    if notifier.country != export_country:
        errors.append(
            FieldError(
                "route.0.country",
                "route.export_state",
                f"The notifier is in {notifier.country}; the route must start there.",
            )
        )
    _check_party(
        errors,
        "consignee_id",
        parties.get(data.consignee_id),
        "consignee",
        import_country,
        "import",
    )
    facility = parties.get(data.facility_id)
    _check_party(errors, "facility_id", facility, "facility", import_country, "import")
    for i, g in enumerate(data.generators):
        _check_party(errors, f"generators.{i}.party_id", parties.get(g.party_id), "generator")
    for i, c in enumerate(data.carriers):
        _check_party(errors, f"carriers.{i}.party_id", parties.get(c.party_id), "carrier")
    pre_consented = bool(facility and facility.pre_consented)
    errors += _check_period(data, today, pre_consented)
    waste = waste_identification(data.waste)
    for on in sorted({today, data.last_departure}):
        for error in validate_waste(waste, on=on) + validate_operations(
            data.operations, on=on, purpose=data.purpose
        ):
            if error not in errors:
                errors.append(error)
    if errors:
        raise InvalidInput(
            f"The notification has {len(errors)} problem(s): "
            + "; ".join(f"{e.field}: {e.message}" for e in errors[:3])
            + ("; ..." if len(errors) > 3 else ""),
            errors=errors,
        )
    check_legal_destination(
        export_country, import_country, waste, data.operations, prohibitions, today
    )
    return route


def check_legal_destination(
    export_country: str,
    import_country: str,
    waste: WasteIdentification,
    operations: Sequence[str],
    prohibitions: Iterable[ImportProhibition],
    on: date,
) -> None:
    check_ban_amendment(
        export_country=export_country, import_country=import_country, waste=waste, on=on
    )
    check_import_prohibitions(
        prohibitions, import_country=import_country, waste=waste, operations=operations, on=on
    )
