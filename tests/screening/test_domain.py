"""Each screening rule fires on a crafted illegal case, citing its evidence, and a clean
declaration of a consented movement raises no flag at all."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import InvalidInput
from app.screening import (
    InMemoryContext,
    MovementFacts,
    NotificationFacts,
    load_config,
    screen,
)
from app.screening.config import DEFAULT_RULES, KeywordSet, normalize_text
from app.screening.domain import party_key, party_keys
from app.screening.rules.goods import fits
from customs_adapters.declaration import CustomsDeclaration, GoodsLine, Trader

CONFIG = load_config()

NOTIFICATION = NotificationFacts(
    number="DE-2025-0001",
    status="consented",
    export_country="DE",
    import_country="BE",
    transit_countries=("NL",),
    consented_transit_countries=frozenset({"NL"}),
    route_customs_offices=frozenset({"DE004250", "NL000396", "BE101000"}),
    valid_from=date(2025, 1, 1),
    valid_to=date(2025, 12, 31),
    quantity_total_kg=100_000,
    shipments_total=10,
    shipped_kg=20_000,
    shipments_used=2,
    notifier_name="Acme Recycling GmbH",
    notifier_id="DE123",
    consignee_name="Batt Recovery NV",
    consignee_id="BE456",
    carriers=("Rhein Trans GmbH",),
    waste_codes=("A1160",),
    hazardous=True,
    hs_codes=("854911",),
)
MOVEMENT = MovementFacts(
    movement_id="MD-1",
    notification_number="DE-2025-0001",
    quantity_kg=10_000,
    carriers=("Rhein Trans GmbH",),
    exit_at=date(2025, 3, 1),
    entry_at=date(2025, 3, 2),
)
DECLARATION = CustomsDeclaration(
    declaration_id="EX-1",
    declared_on=date(2025, 3, 1),
    customs_office="DE004250",
    office_country="DE",
    direction="export",
    declarant=Trader(name="Zoll Agent KG", country="DE"),
    consignor=Trader(name="ACME Recycling GmbH.", country="DE", identifier="DE123"),
    consignee=Trader(name="Batt Recovery NV", country="BE", identifier="BE456"),
    dispatch_country="DE",
    destination_country="BE",
    transit_countries=("NL",),
    goods=(
        GoodsLine(
            hs_code="8549.11.00",
            description="Waste lead-acid batteries, spent",
            net_mass_kg=Decimal("10000"),
            packages=20,
        ),
    ),
    transport_mode="R",
    carrier="Rhein Trans GmbH",
    notification_number="DE-2025-0001",
    movement_id="MD-1",
)


def context(
    notification: NotificationFacts = NOTIFICATION,
    movement: MovementFacts = MOVEMENT,
    offenders: frozenset[str] = frozenset(),
) -> InMemoryContext:
    return InMemoryContext(
        today=date(2025, 3, 5),
        notifications={notification.number: notification},
        movements={movement.movement_id: movement},
        illegal_traffic_parties=offenders,
    )


def goods(description: str, kg: str = "10000", hs: str = "85491100") -> tuple[GoodsLine, ...]:
    return (GoodsLine(hs_code=hs, description=description, net_mass_kg=Decimal(kg), packages=1),)


def with_decl(**changes: object) -> Callable[[], tuple[CustomsDeclaration, InMemoryContext]]:
    return lambda: (DECLARATION.model_copy(update=changes), context())


def with_notification(
    **changes: Any,
) -> Callable[[], tuple[CustomsDeclaration, InMemoryContext]]:
    return lambda: (DECLARATION, context(notification=replace(NOTIFICATION, **changes)))


def with_movement(**changes: Any) -> Callable[[], tuple[CustomsDeclaration, InMemoryContext]]:
    return lambda: (DECLARATION, context(movement=replace(MOVEMENT, **changes)))


def cloned() -> tuple[CustomsDeclaration, InMemoryContext]:
    ctx = context()
    ctx.record("MD-1", "export", "EX-0-EARLIER")
    return DECLARATION, ctx


def known_offender() -> tuple[CustomsDeclaration, InMemoryContext]:
    return DECLARATION, context(offenders=frozenset({party_key("Batt Recovery N.V.")}))


def fifth_shipment_beyond_consent() -> tuple[CustomsDeclaration, InMemoryContext]:
    declaration = DECLARATION.model_copy(update={"movement_id": "MD-NEW"})
    return declaration, context(notification=replace(NOTIFICATION, shipments_used=10))


CASES = [
    # rule, severity, build the case, text the explanation must cite
    (
        "S01",
        "high",
        with_decl(notification_number=None, movement_id=None),
        "85491100",
    ),
    ("S02", "critical", with_notification(status="revoked"), "revoked"),
    ("S02", "critical", with_decl(notification_number="XX-404"), "XX-404"),
    ("S03", "high", with_decl(declared_on=date(2026, 1, 15)), "2026-01-15"),
    ("S04", "high", with_decl(goods=goods("Waste lead-acid batteries", "96000")), "96,000"),
    ("S05", "high", fifth_shipment_beyond_consent, "shipment 11"),
    ("S06", "high", with_decl(customs_office="DE009999"), "DE009999"),
    ("S06", "high", with_decl(transit_countries=("NL", "FR")), "FR"),
    (
        "S07",
        "medium",
        with_decl(consignor=Trader(name="Shady Traders Ltd", country="DE", identifier="DE999")),
        "Shady Traders Ltd",
    ),
    ("S08", "high", with_decl(goods=goods("Used car batteries, second-hand")), "second hand"),
    ("S08", "high", with_decl(goods=goods("Waste accumulators", hs="85071000")), "85071000"),
    ("S09", "critical", cloned, "MD-1"),
    ("S10", "medium", with_movement(quantity_kg=12_000), "12,000"),
    ("S11", "medium", with_decl(carrier="Fly By Night Haulage"), "Fly By Night Haulage"),
    ("S12", "high", known_offender, "Batt Recovery NV"),
    (
        "S13",
        "critical",
        with_notification(destination_barred="Ban Amendment: DE is an Annex VII state"),
        "Ban Amendment",
    ),
    ("S14", "high", with_movement(exit_at=date(2025, 1, 10), entry_at=None), "2025-01-10"),
    (
        "S15",
        "high",
        with_decl(office_country="NL", customs_office="NL000396"),
        "NL000396",
    ),
]


@pytest.mark.parametrize(
    ("rule_id", "severity", "build", "cited"),
    CASES,
    ids=[f"{c[0]}-{c[3]}" for c in CASES],
)
def test_rule_fires_on_illegal_case_and_cites_evidence(
    rule_id: str,
    severity: str,
    build: Callable[[], tuple[CustomsDeclaration, InMemoryContext]],
    cited: str,
) -> None:
    declaration, ctx = build()
    flags = [f for f in screen(declaration, ctx, CONFIG) if f.rule_id == rule_id]
    assert flags, f"{rule_id} did not fire"
    assert flags[0].severity == severity
    assert cited in flags[0].explanation
    assert flags[0].evidence
    assert flags[0].explanation.endswith(".")


def test_clean_declaration_of_consented_movement_raises_no_flag() -> None:
    assert screen(DECLARATION, context(), CONFIG) == []


def test_each_rule_is_quiet_on_its_legal_counterpart() -> None:
    """Legal variants near each rule's threshold: tolerances, transit, names spelled differently."""
    legal = [
        DECLARATION.model_copy(update={"goods": goods("Spent lead acid batteries", "10400")}),
        DECLARATION.model_copy(
            update={
                "direction": "import",
                "office_country": "BE",
                "customs_office": "BE101000",
                "declaration_id": "IM-1",
            }
        ),
        DECLARATION.model_copy(update={"carrier": "RHEIN-TRANS gmbh"}),
        DECLARATION.model_copy(update={"goods": goods("Used batteries, waste for recycling")}),
    ]
    for declaration in legal:
        assert screen(declaration, context(), CONFIG) == [], declaration.declaration_id


def test_export_then_import_of_one_movement_is_not_a_clone() -> None:
    ctx = context()
    ctx.record("MD-1", "export", "EX-1")
    imported = DECLARATION.model_copy(
        update={
            "declaration_id": "IM-1",
            "direction": "import",
            "office_country": "BE",
            "customs_office": "BE101000",
        }
    )
    assert screen(imported, ctx, CONFIG) == []
    assert screen(DECLARATION, ctx, CONFIG) == []  # the same declaration screened again


def test_hs_heading_from_reference_list_flags_slag_without_notification() -> None:
    slag = DECLARATION.model_copy(
        update={
            "notification_number": None,
            "movement_id": None,
            "goods": goods("Residues from zinc works", hs="262019"),
        }
    )
    (flag,) = screen(slag, context(), CONFIG)
    assert flag.rule_id == "S01"
    assert flag.evidence["hs_codes"] == ["262019"]


def test_hs_mapping_hint_is_explained_as_a_hint() -> None:
    ctx = context(notification=replace(NOTIFICATION, hs_codes=()))
    declaration = DECLARATION.model_copy(update={"goods": goods("Waste batteries", hs="850710")})
    (flag,) = screen(declaration, ctx, CONFIG)
    assert flag.rule_id == "S08"
    assert "hint only" in flag.explanation
    assert flag.evidence["hinted_hs"] == ["854911"]


def test_rule_switched_off_in_rules_json_stays_quiet(tmp_path: Path) -> None:
    raw = json.loads(DEFAULT_RULES.read_text())
    raw["rules"]["S11"]["enabled"] = False
    raw["rules"]["S10"]["tolerance_kg"] = 5000
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(raw))
    config = load_config(path)
    declaration = DECLARATION.model_copy(update={"carrier": "Fly By Night Haulage"})
    assert (
        screen(declaration, context(movement=replace(MOVEMENT, quantity_kg=12_000)), config) == []
    )


def test_unknown_severity_in_rules_json_is_refused_with_the_rule_named(tmp_path: Path) -> None:
    raw = json.loads(DEFAULT_RULES.read_text())
    raw["rules"]["S04"]["severity"] = "urgent"
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(InvalidInput) as caught:
        load_config(path)
    assert "S04" in str(caught.value) and "urgent" in str(caught.value)


PARTY_TEXTS = [
    ["ACME-Recycling GmbH.", "DE 123/45", "Batt Recovery N.V.", "", "Zoll Agent KG"],
    ["Straße & Söhne", "İstanbul Geri Dönüşüm", "①②", "plain"],
    ["with\x00nul", "x"],
    ["-- . --", "   "],
    [],
]


@pytest.mark.parametrize("texts", PARTY_TEXTS)
def test_party_keys_in_one_pass_are_the_keys_one_by_one(texts: list[str]) -> None:
    by_definition = ["".join(ch for ch in t.casefold() if ch.isalnum()) for t in texts]
    assert [party_key(t) for t in texts] == by_definition
    assert party_keys(texts) == by_definition


def test_keyword_phrases_are_found_as_before_their_first_word_is_checked() -> None:
    keywords = KeywordSet.of(["second-hand", "used goods", "scrap", "for reuse"])
    for description, expected in [
        ("Second hand TVs, for reuse", ["second hand", "for reuse"]),
        ("hand-held scrap", ["scrap"]),  # 'hand' without 'second' is no phrase
        ("used; goods", ["used goods"]),
        ("reuse for", []),
    ]:
        text = normalize_text(description)
        assert keywords.found(text, frozenset(text.split())) == expected, description


def test_hs_code_fits_a_heading_either_way() -> None:
    assert fits("8549", ("854911",)) and fits("85491100", ("2620", "8549"))
    assert not fits("8507", ("8549", "854911"))
