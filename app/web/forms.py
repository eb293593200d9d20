"""HTML forms ↔ the API's request models, and errors back onto the form's fields.

Form fields are named by the model's dotted path (``waste.basel_code``, ``route.1.country``), the
same path the services use in their errors, so an error from either pydantic or a service lands
next to the field it names. A name ending in ``[]`` is a multi-valued field (checkboxes); the
names in ``COMMA_LISTS`` are typed as comma-separated text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.core.errors import BaselTrackError
from app.core.problems import validation_problem
from app.parties.models import Party
from app.web.session import redirect

COMMA_LISTS = frozenset(
    {"operations", "waste.y_codes", "waste.h_codes", "containers", "states_notified"}
)
#: Form fields that are not model fields.
NOT_MODEL_FIELDS = frozenset({"csrf", "version"})

Model = TypeVar("Model", bound=BaseModel)


@dataclass
class FormErrors:
    """What went wrong with a posted form: a message for the page, messages per field."""

    detail: str = ""
    rule: str | None = None
    source: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)

    def on(self, name: str) -> list[str]:
        """Messages for a field and for anything inside it (``packaging`` → ``packaging.0``)."""
        return [m for key, ms in self.fields.items() if _within(key, name) for m in ms]

    @property
    def all(self) -> list[tuple[str, str]]:
        return [(key, m) for key, ms in self.fields.items() for m in ms]

    @classmethod
    def of(cls, error: BaselTrackError, prefix: str = "") -> FormErrors:
        fields: dict[str, list[str]] = {}
        for e in error.errors:
            messages = fields.setdefault(prefix + e.field, [])
            if e.message not in messages:
                messages.append(e.message)
        return cls(error.detail, error.rule, error.source, fields)


def _within(key: str, name: str) -> bool:
    return key == name or key.startswith(name + ".")


def _set(tree: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        tree = tree.setdefault(part, {})
    tree[path[-1]] = value


def _lists(node: Any) -> Any:
    """``{"0": a, "1": b}`` → ``[a, b]`` all the way down (form paths use numeric indexes)."""
    if not isinstance(node, dict):
        return node
    items = {key: _lists(value) for key, value in node.items()}
    if items and all(key.isdigit() for key in items):
        return [items[key] for key in sorted(items, key=int)]
    return items


def _has_value(node: Any) -> bool:
    if isinstance(node, dict):
        return any(_has_value(v) for v in node.values())
    if isinstance(node, list):
        return bool(node)
    return node not in (None, "")


def _pruned(node: Any) -> Any:
    """Drop blank fields, and list items or sub-forms left wholly blank (optional rows)."""
    if isinstance(node, dict):
        return {k: _pruned(v) for k, v in node.items() if _has_value(v)}
    if isinstance(node, list):
        last = max((i for i, v in enumerate(node) if _has_value(v)), default=-1)
        return [_pruned(v) for v in node[: last + 1]]
    return node


def payload(form: FormData, prefix: str = "") -> dict[str, Any]:
    """The nested request body a form describes (fields under ``prefix.`` only)."""
    tree: dict[str, Any] = {}
    for name in dict.fromkeys(form.keys()):
        if not name.startswith(prefix) or name in NOT_MODEL_FIELDS:
            continue
        path = name.removeprefix(prefix)
        if path.endswith("[]"):
            path = path.removesuffix("[]")
            value: Any = [v for v in form.getlist(name) if isinstance(v, str)]
        else:
            raw = form.get(name)
            value = raw.strip() if isinstance(raw, str) else raw
            if path in COMMA_LISTS and isinstance(value, str):
                value = [part.strip() for part in value.split(",") if part.strip()]
        _set(tree, path.split("."), value)
    result: dict[str, Any] = _pruned(_lists(tree))
    return result


def parse(model: type[Model], form: FormData, prefix: str = "") -> Model:
    """The form's fields under ``prefix`` as the API's request model."""
    return validate(model, payload(form, prefix))


def validate(model: type[Model], data: Mapping[str, Any]) -> Model:
    """Validate like the API does; a shape error raises ``InvalidInput`` with field paths."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise validation_problem(RequestValidationError(error.errors())) from None


def flat_values(form: FormData | Mapping[str, Any]) -> dict[str, Any]:
    """The posted values, to fill the form again after an error (lists for ``[]`` fields)."""
    if isinstance(form, FormData):
        return {
            k: form.getlist(k) if k.endswith("[]") else form.get(k)
            for k in form
            if k not in NOT_MODEL_FIELDS
        }
    return dict(form)


def version_of(form: FormData) -> int | None:
    """The notification version the page showed: a stale one is refused with 409."""
    raw = form.get("version")
    return int(raw) if isinstance(raw, str) and raw.isdigit() else None


# --- the notification form's starting values -------------------------------------------------


def _first(parties: list[Party], country: str | None = None) -> str:
    found = [p for p in parties if country is None or p.country == country]
    return str(found[0].id) if found else ""


def lead_acid_defaults(
    parties: Mapping[str, list[Party]], export_country: str, today: date
) -> dict[str, Any]:
    """The worked example (spent lead-acid batteries, MY → SG → KR, R4), dated from today.

    Parties are preselected where the demo world has them; every value can be changed.
    """
    start = today + timedelta(days=14)
    return {
        "regime": "basel",
        "consignee_id": _first(parties["consignee"], "KR") or _first(parties["consignee"]),
        "facility_id": _first(parties["facility"], "KR") or _first(parties["facility"]),
        "generators.0.party_id": _first(parties["generator"], export_country),
        "generators.0.site": "Shah Alam depot",
        "generators.0.process": "Collection of spent vehicle batteries",
        "carriers.0.party_id": _first(parties["carrier"], export_country),
        "carriers.0.means_of_transport[]": ["R", "S"],
        "shipment_type": "multiple",
        "purpose": "recovery",
        "intended_shipments": "12",
        "quantity": "240",
        "unit": "t",
        "first_departure": start.isoformat(),
        "last_departure": (start + timedelta(days=300)).isoformat(),
        "packaging[]": ["4", "8"],
        "special_handling": "Acid-resistant liners; no stacking above 2 pallets",
        "operations": "R4",
        "technology": "Rotary furnace smelting and refining of lead",
        "reason_for_export": "No secondary lead smelter with capacity in the state of export",
        "designation": "Spent lead-acid batteries, whole, undrained",
        "composition": "Lead 65 %, sulphuric acid 20 %, polypropylene 10 %",
        "physical_characteristics[]": ["2", "5"],
        "waste.basel_code": "A1160",
        "waste.y_codes": "Y31, Y34",
        "waste.h_codes": "H8, H11",
        "waste.un_class": "8",
        "waste.un_number": "2794",
        "waste.hs_code": "854911",
        "route.0.country": export_country,
        "route.0.point_of_exit": "Port Klang",
        "route.1.country": "SG",
        "route.1.point_of_entry": "Pasir Panjang",
        "route.1.point_of_exit": "Pasir Panjang",
        "route.2.country": "KR",
        "route.2.point_of_entry": "Busan",
        "customs_offices.export": "MYPKG",
        "customs_offices.exit": "MYPKG",
        "customs_offices.entry": "KRPUS",
        "declaration.signed_on": today.isoformat(),
    }


def run_step(
    session: Session,
    step: Callable[[], object],
    *,
    done: str,
    page: Callable[..., Response],
    failed: str,
    prefix: str = "",
    values: dict[str, Any] | None = None,
) -> Response:
    """Run one form's step in a savepoint: on success redirect to ``done``; on a refusal show
    the ``page`` again with the errors next to the fields of ``prefix`` (nothing of the step is
    kept, the rest of the request's session stays usable for the page)."""
    try:
        with session.begin_nested():
            step()
    except BaselTrackError as error:
        return page(
            errors=FormErrors.of(error, prefix),
            failed=failed,
            values=values,
            status_code=error.status,
        )
    return redirect(done)
