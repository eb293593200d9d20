"""Code lists and block 14 checks, as a notifier or an authority would meet them."""

from __future__ import annotations

import csv
import re
from datetime import date

import pytest

from app.core.errors import InvalidInput
from app.reference.domain import (
    DATA_DIR,
    WasteIdentification,
    code_list,
    is_hazardous,
    is_waste_hs,
    list_names,
    operation_kind,
    require_country,
    validate_operations,
    validate_waste,
)

ROWS_PER_LIST = {
    "basel_y": 49,
    "basel_h": 14,
    "basel_operations": 28,
    "basel_annex_viii": 63,
    "basel_annex_ix": 62,
    "oecd": 36,
    "eu_low": 842,
    "hs": 127,
    "un_numbers": 2347,
    "un_classes": 15,
    "countries": 249,
}
TODAY = date(2026, 6, 1)


def readme_row_counts() -> dict[str, int]:
    """The `| \\`file.csv\\` | N | ...` rows of the data README."""
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    return {m[1]: int(m[2]) for m in re.finditer(r"^\| `([\w.]+\.csv)` \| (\d+) \|", text, re.M)}


def test_every_list_loads_with_its_row_count() -> None:
    assert sorted(list_names()) == sorted(ROWS_PER_LIST)
    assert {name: len(code_list(name)) for name in list_names()} == ROWS_PER_LIST


def test_readme_names_every_data_file_with_its_true_row_count() -> None:
    counts = readme_row_counts()
    on_disk = {p.name for p in DATA_DIR.glob("*.csv")}
    assert set(counts) == on_disk
    for name in on_disk:
        with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == counts[name], name
        assert all(row["source"].strip() for row in rows), f"{name} has a row without source"


def test_in_force_counts_match_the_readme() -> None:
    assert len(code_list("basel_annex_viii").codes(TODAY)) == 62
    assert len(code_list("basel_annex_ix").codes(TODAY)) == 59


def test_lists_have_human_titles() -> None:
    assert code_list("basel_annex_viii").title == "Basel Annex VIII (List A)"
    assert code_list("basel_annex_ix").title == "Basel Annex IX (List B)"


def test_y48_comes_into_force_on_1_january_2021() -> None:
    y_codes = code_list("basel_y")
    with pytest.raises(InvalidInput) as refused:
        y_codes.require("Y48", on=date(2020, 12, 31), field="waste.y_codes.0")
    assert refused.value.errors[0].rule == "code.not_in_force"
    assert "2021-01-01" in refused.value.detail
    assert y_codes.require("Y48", on=date(2021, 1, 1), field="waste.y_codes.0").code == "Y48"


@pytest.mark.parametrize(
    ("list_name", "old", "new", "last_day"),
    [
        ("basel_annex_viii", "A1180", "A1181", date(2024, 12, 31)),
        ("basel_annex_ix", "B3010", "B3011", date(2020, 12, 31)),
    ],
)
def test_replaced_code_is_refused_after_its_last_day_naming_the_successor(
    list_name: str, old: str, new: str, last_day: date
) -> None:
    codes = code_list(list_name)
    assert codes.require(old, on=last_day, field="waste.basel_code").code == old
    with pytest.raises(InvalidInput) as refused:
        codes.require(old, on=date.fromordinal(last_day.toordinal() + 1), field="waste.basel_code")
    error = refused.value.errors[0]
    assert error.field == "waste.basel_code"
    assert error.rule == "code.not_in_force"
    for part in (old, new, codes.title, last_day.isoformat()):
        assert part in error.message


def test_successor_before_its_first_day_names_the_old_code() -> None:
    problem = code_list("basel_annex_ix").problem("B3011", on=date(2020, 6, 1), field="code")
    assert problem is not None
    assert "2021-01-01" in problem.message
    assert "B3010" in problem.message


def test_unknown_code_message_names_the_list_and_the_code() -> None:
    with pytest.raises(InvalidInput) as refused:
        code_list("basel_y").require("Y99", on=TODAY, field="waste.y_codes.0")
    assert refused.value.errors[0].rule == "code.unknown"
    assert "Y99" in refused.value.detail
    assert "Basel Annexes I and II" in refused.value.detail
    assert refused.value.status == 422


@pytest.mark.parametrize("typed", ["160601", "16 06 01", "16 06 01*", " 16 06 01* ", "16060 1"])
def test_eu_list_of_waste_accepts_common_spellings(typed: str) -> None:
    found = code_list("eu_low").get(typed)
    assert found is not None
    assert found.code == "16 06 01*"
    assert found.title == "lead batteries"
    assert found.extra["hazardous"] == "true"


def test_codes_are_case_and_space_insensitive() -> None:
    assert code_list("basel_annex_viii").get(" a1160 ") is not None
    assert code_list("un_numbers").get("2794") is code_list("un_numbers").get("un 2794")
    assert code_list("hs").get("854911") is code_list("hs").get("8549.11")


def test_a3210_is_in_list_a_from_2021_with_an_honest_source() -> None:
    a3210 = code_list("basel_annex_viii").get("A3210")
    assert a3210 is not None
    assert a3210.valid_from == date(2021, 1, 1)
    assert "title unverified" in a3210.source
    assert is_hazardous(WasteIdentification(basel_code="A3210"), on=date(2021, 1, 1))


def test_validate_waste_reports_every_problem_with_its_field_path() -> None:
    waste = WasteIdentification(
        basel_code="A1180",
        oecd_code="ZZ999",
        eu_code="99 99 99",
        y_codes=("Y31", "Y99"),
        h_codes=("H6.1", "H77"),
        un_class="42",
        un_number="UN0000",
        hs_code="85A9",
    )
    errors = validate_waste(waste, on=TODAY, prefix="notification.waste")
    assert {(e.field, e.rule) for e in errors} == {
        ("notification.waste.basel_code", "code.not_in_force"),
        ("notification.waste.oecd_code", "code.unknown"),
        ("notification.waste.eu_code", "code.unknown"),
        ("notification.waste.y_codes.1", "code.unknown"),
        ("notification.waste.h_codes.1", "code.unknown"),
        ("notification.waste.un_class", "code.unknown"),
        ("notification.waste.un_number", "code.unknown"),
        ("notification.waste.hs_code", "hs.malformed"),
    }
    assert all(e.message.startswith(e.field) for e in errors)


def test_validate_waste_accepts_a_correct_lead_acid_battery_entry() -> None:
    waste = WasteIdentification(
        basel_code="A1160",
        eu_code="160601",
        y_codes=("Y31", "Y34"),
        h_codes=("H8",),
        un_class="8",
        un_number="UN2794",
        un_shipping_name="BATTERIES, WET, FILLED WITH ACID",
        hs_code="8549.11",
        national_export_code="anything the exporting state uses",
    )
    assert validate_waste(waste, on=TODAY) == []


def test_un_class_must_match_the_un_number() -> None:
    waste = WasteIdentification(basel_code="A1160", un_number="UN2794", un_class="3")
    [error] = validate_waste(waste, on=TODAY)
    assert (error.field, error.rule) == ("waste.un_class", "un.class_mismatch")
    assert "UN2794" in error.message and "class 8" in error.message


def test_gas_division_matches_the_undivided_adr_class_2() -> None:
    waste = WasteIdentification(y_codes=("Y45",), un_number="UN1011", un_class="2.1")
    assert validate_waste(waste, on=TODAY) == []


def test_at_least_one_basel_oecd_or_y_code_is_required() -> None:
    [error] = validate_waste(WasteIdentification(eu_code="16 06 01*"), on=TODAY)
    assert (error.field, error.rule) == ("waste", "waste.code_required")
    assert validate_waste(WasteIdentification(oecd_code="AC300"), on=TODAY) == []


def test_basel_code_that_is_neither_list_a_nor_b_is_unknown_in_both() -> None:
    [error] = validate_waste(WasteIdentification(basel_code="Y31"), on=TODAY)
    assert error.rule == "code.unknown"
    assert "Annex VIII" in error.message and "Annex IX" in error.message


def test_hs_code_outside_the_waste_list_is_allowed_when_well_formed() -> None:
    waste = WasteIdentification(basel_code="B1010", hs_code="7403.11")
    assert validate_waste(waste, on=TODAY) == []
    assert not is_waste_hs("7403.11")


@pytest.mark.parametrize(
    ("hs_code", "signals_waste"),
    [("8549", True), ("854911", True), ("7204.41", True), ("2710.91", True), ("2710.12", False),
     ("8106.10", False), ("0101", False), ("abc", False)],
)  # fmt: skip
def test_waste_hs_headings_match_by_prefix(hs_code: str, signals_waste: bool) -> None:
    assert is_waste_hs(hs_code) is signals_waste


@pytest.mark.parametrize(
    ("waste", "hazardous"),
    [
        (WasteIdentification(basel_code="A1160"), True),
        (WasteIdentification(y_codes=("Y31",)), True),
        (WasteIdentification(oecd_code="AC300"), True),
        (WasteIdentification(eu_code="160601"), True),
        (WasteIdentification(basel_code="B1010"), False),
        (WasteIdentification(oecd_code="GC010"), False),
        (WasteIdentification(eu_code="160604"), False),
        (WasteIdentification(y_codes=("Y46", "Y48")), False),
    ],
)
def test_hazardous_waste_per_basel_article_1(waste: WasteIdentification, hazardous: bool) -> None:
    assert is_hazardous(waste, on=TODAY) is hazardous


def test_operation_kind() -> None:
    assert operation_kind("D10") == "disposal"
    assert operation_kind(" r4 ") == "recovery"
    with pytest.raises(InvalidInput) as refused:
        operation_kind("R99")
    assert "R99" in refused.value.detail and "Annex IV" in refused.value.detail


def test_operations_must_fit_the_declared_purpose() -> None:
    assert validate_operations(["R4", "R13"], on=TODAY, purpose="recovery") == []
    errors = validate_operations(["R4", "D10", "X1"], on=TODAY, purpose="recovery")
    assert [(e.field, e.rule) for e in errors] == [
        ("operations.1", "operations.purpose_mismatch"),
        ("operations.2", "code.unknown"),
    ]
    assert "D10" in errors[0].message and "recovery" in errors[0].message


def test_operations_are_required() -> None:
    [error] = validate_operations([], on=TODAY, purpose="disposal", field="block11")
    assert (error.field, error.rule) == ("block11", "operations.required")


def test_require_country_returns_the_upper_case_iso_code() -> None:
    assert require_country(" de ", field="export_country") == "DE"
    for bad in ("XX", "DEU", ""):
        with pytest.raises(InvalidInput) as refused:
            require_country(bad, field="export_country")
        assert refused.value.errors[0].field == "export_country"
        assert "ISO 3166-1" in refused.value.detail


def test_countries_come_from_the_committed_csv_with_iso_columns() -> None:
    germany = code_list("countries").get("DE")
    assert germany is not None
    assert germany.title == "Germany"
    assert dict(germany.extra) == {"alpha3": "DEU", "numeric": "276"}
    assert "pycountry" in germany.source and "ISO 3166-1" in germany.source


def test_un_classes_list_the_fifteen_classes_and_divisions() -> None:
    assert [c.code for c in code_list("un_classes").codes()] == [
        "1", "2.1", "2.2", "2.3", "3", "4.1", "4.2", "4.3", "5.1", "5.2", "6.1", "6.2", "7", "8",
        "9",
    ]  # fmt: skip
