"""Rows built without pydantic (``csv_plain``) are exactly the rows pydantic builds, and every
other row still gets pydantic's verdict and message."""

from __future__ import annotations

import io
from typing import Any

import pytest

from customs_adapters import csv_batch
from customs_adapters.csv_batch import CsvBatchAdapter
from customs_adapters.declaration import CustomsDeclaration, GoodsLine, Trader, trusted
from tests.customs_adapters.odd_csv import comparable, csv_file, odd_rows
from tests.customs_adapters.samples import canonical


def test_trusted_builds_what_validation_builds() -> None:
    validated = CustomsDeclaration.model_validate(canonical())
    for model in (validated, validated.consignor, validated.goods[0]):
        built = trusted(type(model), dict(model.__dict__))
        assert built == model and hash(built) == hash(model)
        assert repr(built) == repr(model)
        assert built.model_dump(mode="json") == model.model_dump(mode="json")
        assert built.model_fields_set == model.model_fields_set
        assert built.model_copy(update={}) == model


def _pydantic_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_batch, "plain_declaration", lambda *_: None)
    monkeypatch.setattr(csv_batch, "plain_goods_line", lambda *_: None)


def _parse(data: bytes) -> list[Any]:
    return comparable(list(CsvBatchAdapter().parse(io.BytesIO(data))))


def test_odd_rows_parse_the_same_with_and_without_the_plain_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = csv_file(odd_rows(3000))
    plain_taken = {"declarations": 0, "goods": 0}

    def counting(name: str, build: Any) -> Any:
        def wrapper(*args: Any) -> Any:
            built = build(*args)
            plain_taken[name] += built is not None
            return built

        return wrapper

    monkeypatch.setattr(
        csv_batch, "plain_declaration", counting("declarations", csv_batch.plain_declaration)
    )
    monkeypatch.setattr(
        csv_batch, "plain_goods_line", counting("goods", csv_batch.plain_goods_line)
    )
    fast = _parse(data)
    _pydantic_only(monkeypatch)
    assert fast == _parse(data)
    good = sum(1 for row in fast if row[0] != "error")
    errors = len(fast) - good
    assert good > 1000 and errors > 500  # both kinds well represented
    assert plain_taken["declarations"] > 800 and plain_taken["goods"] > 1500


def test_values_pydantic_would_convert_are_left_to_pydantic() -> None:
    from customs_adapters.csv_plain import plain_goods_line, plain_trader

    assert plain_goods_line("8549.11", "Batteries", "10", "1") is None
    assert plain_goods_line("854911", "Batteries", "1e3", "1") is None
    assert plain_goods_line("854911", "Batteries", "10", "007") is None
    assert plain_goods_line("854911", "Batteries", "0.000", "1") is None
    assert plain_trader("Acme", "de", None) is None
    line = plain_goods_line("854911", "Batteries", "20000.0", "0")
    assert line == GoodsLine(
        hs_code="854911", description="Batteries", net_mass_kg="20000.0", packages="0"
    )
    assert str(line.net_mass_kg) == "20000.0"  # as pydantic keeps it, not normalised
    assert plain_trader("Acme", "DE", "") == Trader(name="Acme", country="DE", identifier="")
