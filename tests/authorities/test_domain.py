"""Legal-destination rules: Ban Amendment (Art. 4A) and notified import prohibitions (Art. 4(1))."""

from __future__ import annotations

from datetime import date

import pytest

from app.authorities.domain import (
    BAN_AMENDMENT_SOURCE,
    ImportProhibition,
    annex_vii,
    ban_bound,
    check_ban_amendment,
    check_import_prohibitions,
)
from app.core.errors import RuleViolation
from app.reference.domain import WasteIdentification

LEAD_ACID_BATTERIES = WasteIdentification(basel_code="A1160", y_codes=("Y31",))
COPPER_SCRAP = WasteIdentification(basel_code="B1010")
ON = date(2026, 6, 1)


def test_annex_vii_states() -> None:
    for state in ("DE", "FR", "US", "JP", "LI", "BG", " de "):
        assert annex_vii(state), state
    for state in ("MY", "IN", "CN", "GH"):
        assert not annex_vii(state), state


def test_ban_binds_from_entry_into_force_or_90_days_after_a_later_deposit() -> None:
    assert not ban_bound("DE", date(2019, 12, 4))
    assert ban_bound("DE", date(2019, 12, 5))
    assert not ban_bound("CR", date(2020, 2, 18))
    assert ban_bound("CR", date(2020, 2, 19))
    assert not ban_bound("US", ON)


def test_ban_amendment_refuses_lead_acid_batteries_from_germany_to_malaysia() -> None:
    with pytest.raises(RuleViolation) as refused:
        check_ban_amendment(
            export_country="DE", import_country="MY", waste=LEAD_ACID_BATTERIES, on=ON
        )
    violation = refused.value
    assert violation.rule == "basel.art4A.ban_amendment"
    assert violation.source == BAN_AMENDMENT_SOURCE
    assert "5 December 2019" in (violation.source or "")
    assert "Germany (DE)" in violation.detail and "Malaysia (MY)" in violation.detail
    assert "A1160" in violation.detail
    assert violation.status == 422


def test_ban_amendment_allows_movements_it_does_not_cover() -> None:
    # Another Annex VII state as destination.
    check_ban_amendment(export_country="DE", import_country="FR", waste=LEAD_ACID_BATTERIES, on=ON)
    # Non-hazardous List B waste.
    check_ban_amendment(export_country="DE", import_country="MY", waste=COPPER_SCRAP, on=ON)
    # Before the amendment entered into force.
    check_ban_amendment(
        export_country="DE", import_country="MY", waste=LEAD_ACID_BATTERIES, on=date(2019, 12, 4)
    )
    # An Annex VII state that has not ratified.
    check_ban_amendment(export_country="US", import_country="MY", waste=LEAD_ACID_BATTERIES, on=ON)
    # "Other wastes" (Annex II) alone are not hazardous waste.
    household = WasteIdentification(y_codes=("Y46",))
    check_ban_amendment(export_country="DE", import_country="MY", waste=household, on=ON)


def prohibition(scope: str, value: str | None) -> ImportProhibition:
    return ImportProhibition(
        country="MY",
        scope=scope,  # type: ignore[arg-type]
        value=value,
        source=f"Malaysia notification under Art. 4(1)(a), scope {scope}",
    )


@pytest.mark.parametrize(
    ("scope", "value", "named"),
    [
        ("code", "a 1160", "A 1160"),
        ("y_code", "Y31", "Y31"),
        ("operation", "R4", "R4"),
        ("operation", "recovery", "recovery"),
        ("all_hazardous", None, "hazardous"),
        ("category", "hazardous", "hazardous"),
        ("category", "basel_annex_viii", "basel_annex_viii"),
        ("all", None, "all hazardous and other wastes"),
    ],
)
def test_import_prohibition_fires_and_names_its_source(
    scope: str, value: str | None, named: str
) -> None:
    rule = prohibition(scope, value)
    with pytest.raises(RuleViolation) as refused:
        check_import_prohibitions(
            [rule],
            import_country="my",
            waste=LEAD_ACID_BATTERIES,
            operations=["R4"],
            on=ON,
        )
    violation = refused.value
    assert violation.rule == "basel.art4_1.import_prohibition"
    assert violation.source == rule.source
    assert rule.source in violation.detail
    assert "Malaysia (MY)" in violation.detail
    assert named.upper() in violation.detail.upper()


def test_eu_list_of_waste_code_prohibition_matches_any_spelling() -> None:
    waste = WasteIdentification(basel_code="A1160", eu_code="16 06 01*")
    with pytest.raises(RuleViolation):
        check_import_prohibitions(
            [prohibition("code", "160601")],
            import_country="MY",
            waste=waste,
            operations=["R4"],
            on=ON,
        )


def test_import_prohibitions_are_quiet_when_nothing_matches() -> None:
    rules = [
        prohibition("code", "A1010"),
        prohibition("y_code", "Y1"),
        prohibition("operation", "D1"),
        prohibition("operation", "disposal"),
        prohibition("category", "other"),
        prohibition("category", "basel_annex_ix"),
    ]
    check_import_prohibitions(
        rules, import_country="MY", waste=LEAD_ACID_BATTERIES, operations=["R4"], on=ON
    )
    # A hazardous-only prohibition does not cover non-hazardous List B waste.
    check_import_prohibitions(
        [prohibition("all_hazardous", None)],
        import_country="MY",
        waste=COPPER_SCRAP,
        operations=["R4"],
        on=ON,
    )


def test_prohibitions_of_other_states_do_not_apply() -> None:
    check_import_prohibitions(
        [prohibition("all", None)],
        import_country="FR",
        waste=LEAD_ACID_BATTERIES,
        operations=["R4"],
        on=ON,
    )
