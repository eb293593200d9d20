"""Forms ↔ request models: dotted names, rows left blank, comma lists, errors on fields."""

from __future__ import annotations

from datetime import date

import pytest
from starlette.datastructures import FormData

from app.core.errors import FieldError, InvalidInput
from app.movements.schemas import MovementIn
from app.web.forms import FormErrors, parse, payload, version_of


def test_dotted_names_become_the_nested_body() -> None:
    form = FormData(
        [
            ("csrf", "x"),
            ("version", "3"),
            ("route.0.country", "MY"),
            ("route.1.country", "SG"),
            ("route.1.point_of_exit", ""),
            ("route.2.country", "KR"),
            ("route.3.country", ""),
            ("packaging[]", "4"),
            ("packaging[]", "8"),
            ("waste.y_codes", "Y31, Y34 ,"),
            ("declaration.name", "  "),
            ("declaration.signed_on", ""),
        ]
    )
    assert payload(form) == {
        "route": [{"country": "MY"}, {"country": "SG"}, {"country": "KR"}],
        "packaging": ["4", "8"],
        "waste": {"y_codes": ["Y31", "Y34"]},
    }
    assert version_of(form) == 3


def test_a_blank_row_between_filled_ones_keeps_its_place() -> None:
    form = FormData([("route.0.country", "MY"), ("route.1.country", ""), ("route.2.country", "KR")])
    assert payload(form)["route"] == [{"country": "MY"}, {}, {"country": "KR"}]


def test_prefix_selects_one_forms_fields() -> None:
    form = FormData(
        [
            ("movement.quantity", "19.8"),
            ("movement.shipment_date", date.today().isoformat()),
            ("movement.packaging.0.code", "4"),
            ("movement.packaging.0.count", "20"),
            ("movement.carriers.0.party_id", "3"),
            ("movement.carriers.0.means_of_transport", "R"),
            ("movement.containers", "MSKU1234565"),
            ("consent.valid_to", "2030-01-01"),
        ]
    )
    movement = parse(MovementIn, form, "movement.")
    assert movement.containers == ["MSKU1234565"] and movement.packaging[0].count == 20


def test_shape_errors_name_the_prefixed_field() -> None:
    form = FormData([("movement.quantity", "-1")])
    with pytest.raises(InvalidInput) as caught:
        parse(MovementIn, form, "movement.")
    errors = FormErrors.of(caught.value, "movement.")
    assert errors.on("movement.quantity") == ["Input should be greater than 0"]
    assert errors.on("movement.packaging") and errors.on("movement.carriers")


def test_form_errors_group_by_field_without_repeats() -> None:
    error = InvalidInput(
        "2 problems",
        errors=[
            FieldError("route.2.country", "code.unknown", "XX is not a country."),
            FieldError("route.2.country", "code.unknown", "XX is not a country."),
            FieldError("waste.y_codes.1", "code.unknown", "Y99 is not a Y-code."),
        ],
    )
    errors = FormErrors.of(error)
    assert errors.on("route.2.country") == ["XX is not a country."]
    assert errors.on("waste.y_codes") == ["Y99 is not a Y-code."]
    assert errors.on("waste") == ["Y99 is not a Y-code."]
    assert errors.on("route.2") == ["XX is not a country."] and errors.on("route.20") == []
