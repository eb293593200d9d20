"""Statistics and the Art. 13 tables, from recorded movements, within the caller's state."""

from __future__ import annotations

import csv
import io
from datetime import date

from fastapi.testclient import TestClient

from app.demo import DemoWorld
from tests.factories import (
    bearer,
    consented_notification,
    create_movement,
    file_notification,
    post,
    scan,
)


def _shipped_and_received(client: TestClient, world: DemoWorld) -> None:
    n = consented_notification(client, world)
    for quantity in ("19.8", "20.2"):
        m = create_movement(client, world, n["id"], quantity=quantity)
        post(client, world, "exporter_my", f"/movements/{m['id']}/announce")
        scan(client, world, "customs_my", m["qr_text"], "MYPKG", "exit")
        post(
            client,
            world,
            "facility_kr",
            f"/movements/{m['id']}/receipt",
            {
                "received_on": date.today().isoformat(),
                "quantity_received": quantity,
                "accepted": True,
            },
        )


def test_quantities_by_month_and_by_destination(client: TestClient, world: DemoWorld) -> None:
    _shipped_and_received(client, world)
    year = date.today().year
    rows = client.get(
        f"/statistics/quantities?year={year}", headers=bearer(world.tokens["authority_my"])
    ).json()
    (row,) = rows
    assert list(row) == ["month", "unit", "notified", "consented", "shipped", "received"]
    assert row["month"] == date.today().strftime("%Y-%m") and row["unit"] == "t"
    assert (
        float(row["notified"]),
        float(row["consented"]),
        float(row["shipped"]),
        float(row["received"]),
    ) == (240.0, 240.0, 40.0, 40.0)
    by_dest = client.get(
        f"/statistics/quantities?year={year}&by=import_country",
        headers=bearer(world.tokens["inspector_my"]),
    ).json()
    assert [r["import_country"] for r in by_dest] == ["KR"]
    assert list(by_dest[0])[:2] == ["import_country", "unit"]
    nothing = client.get(
        f"/statistics/quantities?year={year}", headers=bearer(world.tokens["authority_th"])
    ).json()
    assert nothing == []  # TH sees none of it


def test_a_draft_is_not_counted_as_notified(client: TestClient, world: DemoWorld) -> None:
    _shipped_and_received(client, world)
    file_notification(client, world, quantity="500")  # filed, never submitted
    year = date.today().year
    rows = client.get(
        f"/statistics/quantities?year={year}", headers=bearer(world.tokens["exporter_my"])
    ).json()
    assert sum(float(row["notified"]) for row in rows) == 240.0


def test_art13_tables_for_export_import_and_transit(client: TestClient, world: DemoWorld) -> None:
    _shipped_and_received(client, world)
    year = date.today().year
    my = client.get(
        f"/reports/art13?year={year}", headers=bearer(world.tokens["authority_my"])
    ).json()
    assert my["country"] == "MY" and my["imports"] == [] and my["transit"] == []
    (export,) = my["exports"]
    assert export["partner_country"] == "KR" and export["y_codes"] == "Y31 Y34"
    assert float(export["quantity"]) == 40.0 and export["movements"] == 2
    kr = client.get(
        f"/reports/art13?year={year}", headers=bearer(world.tokens["authority_kr"])
    ).json()
    assert kr["imports"][0]["partner_country"] == "MY" and kr["exports"] == []
    sg = client.get(
        f"/reports/art13?year={year}", headers=bearer(world.tokens["authority_sg"])
    ).json()
    assert sg["transit"][0]["movements"] == 2
    r = client.get(
        f"/reports/art13?year={year}&format=csv", headers=bearer(world.tokens["authority_my"])
    )
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows[0]["table"] == "exports" and rows[0]["partner_country"] == "KR"
    assert (
        client.get(
            f"/reports/art13?year={year}", headers=bearer(world.tokens["exporter_my"])
        ).status_code
        == 403
    )


def test_the_openapi_schema_documents_each_measure_of_a_quantity_row(client: TestClient) -> None:
    """The row puts its group key first with its own serializer, which must not hide the
    documented fields from the API's schema."""
    row = client.get("/openapi.json").json()["components"]["schemas"]["QuantityRow"]
    assert {"unit", "notified", "consented", "shipped", "received"} <= set(row["properties"])
    assert "by the day they left" in row["properties"]["shipped"]["description"]
