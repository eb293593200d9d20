"""The inspector's flag search and cases, and the dashboard inspectors and authorities share."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient

from app.demo import DemoWorld
from app.web import inspector_pages
from tests.factories import inspector as create_inspector
from tests.web.conftest import flag_in_malaysia, flag_in_thailand
from tests.web.visitors import Visitor, field_errors, text_of

Visit = Callable[[str], Visitor]


def _results(html: str) -> str:
    """The visible text of the results table only."""
    found = re.search(r'<table class="list results">(.*?)</table>', html, re.S)
    return text_of(found.group(1)) if found else ""


def _forms(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="(/ui/cases/[^"]+)"', html)


def _version(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found
    return found.group(1)


def _options(html: str, name: str) -> list[tuple[str, str, bool]]:
    """The select's options: value, visible text, whether it is selected."""
    found = re.search(r'<select name="' + re.escape(name) + r'">(.*?)</select>', html, re.S)
    assert found, name
    options = re.findall(r'<option value="([^"]*)"\s*(selected)?>([^<]*)</option>', found.group(1))
    return [(value, text_of(label), bool(chosen)) for value, chosen, label in options]


def _history(html: str) -> list[str]:
    """The history table's rows (step and what it did), without the time and the actor."""
    table = html.split('<section class="card history">')[1]
    return [text_of(row) for row in re.findall(r"<td><code>(.*?)</td></tr>", table, re.S)]


def test_inspector_searches_flags_and_sees_facets_linked_to_filters(
    visit: Visit, client: TestClient, world: DemoWorld
) -> None:
    flag = flag_in_malaysia(client, world)
    page = visit("inspector_my").get("/ui/flags")
    assert page.status_code == 200
    results = _results(page.text)
    assert flag["movement"]["document_no"] in results and "already scanned" in results
    assert "B01" in results and "High" in results and "Open" in results
    assert f'href="/ui/cases/{flag["id"]}"' in page.text
    facets = text_of(page.text.split('<section class="facets">')[1].split("</section>")[0])
    assert "By rule B01 1" in facets and "By status Open 1" in facets
    assert 'href="/ui/flags?rule=B01"' in page.text and 'href="/ui/flags?country=MY"' in page.text


def test_filters_narrow_the_search_and_bad_ones_are_shown_at_their_field(
    visit: Visit, client: TestClient, world: DemoWorld
) -> None:
    mine = flag_in_malaysia(client, world)
    thai = flag_in_thailand(client, world)  # MY is on its route: Malaysian inspectors see it
    inspector = visit("inspector_my")
    both = _results(inspector.get("/ui/flags").text)
    assert mine["movement"]["document_no"] in both and thai["movement"]["document_no"] in both
    only_thai = inspector.get("/ui/flags?country=TH&rule=&severity=")
    assert 'value="TH"' in only_thai.text  # the form keeps the filter
    results = _results(only_thai.text)
    assert thai["movement"]["document_no"] in results
    assert mine["movement"]["document_no"] not in results
    assert "No flags match this search." in text_of(
        inspector.get("/ui/flags?status=confirmed").text
    )
    bad = inspector.get("/ui/flags?hs_code=battery")
    assert bad.status_code == 422 and field_errors(bad.text, "hs_code")


def test_next_page_link_carries_the_cursor_and_the_filters(
    visit: Visit, client: TestClient, world: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inspector_pages, "PAGE_SIZE", 1)
    older = flag_in_thailand(client, world)
    newer = flag_in_malaysia(client, world)
    inspector = visit("inspector_my")
    first = inspector.get("/ui/flags?sort=newest")
    assert newer["movement"]["document_no"] in _results(first.text)
    link = re.search(r'href="(/ui/flags\?sort=newest&amp;cursor=[^"]+)" rel="next"', first.text)
    assert link
    second = inspector.get(link.group(1).replace("&amp;", "&"))
    assert older["movement"]["document_no"] in _results(second.text)
    assert 'rel="next"' not in second.text


def test_only_inspectors_search_flags(visit: Visit, client: TestClient, world: DemoWorld) -> None:
    for who in ("exporter_my", "authority_my", "customs_my"):
        assert visit(who).get("/ui/flags").status_code == 403, who
        assert visit(who).get("/ui/flags.csv").status_code == 403, who
    anonymous = Visitor(client.app)  # type: ignore[arg-type]
    signed_out = anonymous.client.get("/ui/flags", follow_redirects=False)
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/ui/sign-in"


def test_csv_export_is_the_same_search(visit: Visit, client: TestClient, world: DemoWorld) -> None:
    mine = flag_in_malaysia(client, world)
    thai = flag_in_thailand(client, world)
    page = visit("inspector_my").get("/ui/flags?country=MY")
    assert 'href="/ui/flags.csv?country=MY"' in page.text
    exported = visit("inspector_my").get("/ui/flags.csv?country=MY")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["document_no"] for r in rows] == [mine["movement"]["document_no"]]
    assert rows[0]["rule_id"] == "B01" and rows[0]["country"] == "MY"
    everything = visit("inspector_my").get("/ui/flags.csv").text
    assert thai["movement"]["document_no"] in everything


def test_inspector_investigates_comments_and_confirms_a_case(
    visit: Visit, client: TestClient, world: DemoWorld
) -> None:
    case = flag_in_thailand(client, world)
    path = f"/ui/cases/{case['id']}"
    inspector = visit("inspector_th")
    page = inspector.get(path)
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Open" in text and case["movement"]["document_no"] in text and "THLCH" in text
    assert _forms(page.text) == [
        f"{path}/investigate",
        f"{path}/assign",
        f"{path}/clear",
        f"{path}/comment",
    ]
    done = inspector.post(f"{path}/investigate", {"version": _version(page.text)})
    assert done.status_code == 303 and done.headers["location"] == f"{path}?done=case_investigate"
    page = inspector.get(done.headers["location"])
    text = text_of(page.text)
    assert "Investigation started." in text and "Under investigation" in text
    assert "Assigned to DIW Thailand — enforcement" in text
    assert (
        inspector.post(f"{path}/comment", {"comment.body": "No route permit."}).status_code == 303
    )
    confirmed = inspector.post(
        f"{path}/confirm",
        {
            "confirm.ground": "d",
            "confirm.responsible": "exporter",
            "confirm.states_notified": "MY, KR, TH",
            "confirm.note": "Diverted to Laem Chabang; take-back ordered",
        },
    )
    assert confirmed.status_code == 303, text_of(confirmed.text)
    page = inspector.get(path)
    text = text_of(page.text)
    assert "Illegal traffic confirmed" in text and "Art. 9(1)(d)" in text
    assert "KR, MY, TH" in text and "No route permit." in text
    steps = re.findall(r"<code>(case\.\w+)</code>", page.text)
    assert steps == ["case.investigate", "case.comment", "case.confirm"]
    assert _forms(page.text) == [f"{path}/comment"]  # closed: only comments remain


def test_a_refused_case_step_is_shown_at_its_field_and_changes_nothing(
    visit: Visit, client: TestClient, world: DemoWorld
) -> None:
    case = flag_in_thailand(client, world)
    path = f"/ui/cases/{case['id']}"
    inspector = visit("inspector_th")
    short = inspector.post(f"{path}/clear", {"clear.reason": "ok"})
    assert short.status_code == 422 and field_errors(short.text, "clear.reason")
    assert inspector.post(f"{path}/confirm", {"confirm.note": "x"}).status_code in (409, 422)
    assert "Open" in text_of(inspector.get(path).text)
    cleared = inspector.post(f"{path}/clear", {"clear.reason": "Transhipment with papers"})
    assert cleared.status_code == 303
    text = text_of(inspector.get(path).text)
    assert "Cleared" in text and "Transhipment with papers" in text
    assert inspector.post(f"{path}/reopen").status_code == 303
    assert "Under investigation" in text_of(inspector.get(path).text)
    assert inspector.post(f"{path}/close").status_code == 404


def test_inspector_assigns_a_case_to_a_colleague_of_the_same_country(
    visit: Visit, client: TestClient, world: DemoWorld
) -> None:
    case = flag_in_thailand(client, world)
    colleague = create_inspector(client, world, "TH", "DIW Thailand — port inspections")
    create_inspector(client, world, "TH", "DIW Thailand — retired desk", active=False)
    path = f"/ui/cases/{case['id']}"
    inspector = visit("inspector_th")
    page = inspector.get(path)
    me = str(world.accounts["inspector_th"])
    assert _options(page.text, "assign.inspector_id") == [
        ("", "—", True),
        (me, "DIW Thailand — enforcement", False),
        (str(colleague["id"]), "DIW Thailand — port inspections", False),
    ]  # active inspectors of TH only: not the retired desk, not Malaysia's
    done = inspector.post(
        f"{path}/assign",
        {"version": _version(page.text), "assign.inspector_id": str(colleague["id"])},
    )
    assert done.status_code == 303 and done.headers["location"] == f"{path}?done=case_assign"
    page = inspector.get(done.headers["location"])
    text = text_of(page.text)
    assert "Case assigned." in text and "Assigned to DIW Thailand — port inspections" in text
    assert "Open" in text  # assigning is no step of the workflow
    assert (str(colleague["id"]), "DIW Thailand — port inspections", True) in _options(
        page.text, "assign.inspector_id"
    )
    assert _history(page.text) == ["case.assign · Assigned to DIW Thailand — port inspections"]
    assert (
        inspector.post(f"{path}/investigate", {"version": _version(page.text)}).status_code == 303
    )
    page = inspector.get(path)  # the case stays with the colleague it was assigned to
    assert "Assigned to DIW Thailand — port inspections" in text_of(page.text)
    assert _history(page.text)[1] == "case.investigate"
    zh = text_of(inspector.get(f"{path}?lang=zh").text)
    assert "指派给" in zh and "指派案件" in zh


def test_assigning_a_case_abroad_is_refused_at_the_field_and_changes_nothing(
    visit: Visit, client: TestClient, world: DemoWorld
) -> None:
    case = flag_in_thailand(client, world)
    retired = create_inspector(client, world, "TH", "DIW Thailand — retired desk", active=False)
    path = f"/ui/cases/{case['id']}"
    inspector = visit("inspector_th")
    version = _version(inspector.get(path).text)
    foreign = str(world.accounts["inspector_my"])
    for refused in (foreign, str(retired["id"])):
        r = inspector.post(f"{path}/assign", {"version": version, "assign.inspector_id": refused})
        assert r.status_code == 422
        message = "Assign the case to an active inspector of TH."
        assert field_errors(r.text, "assign.inspector_id") == [message]
        assert message in text_of(r.text.split('role="alert"')[1])  # and at the top of the page
    blank = inspector.post(f"{path}/assign", {"version": version, "assign.inspector_id": ""})
    assert blank.status_code == 422 and field_errors(blank.text, "assign.inspector_id")
    page = inspector.get(path)
    assert "Assigned to —" in text_of(page.text) and _history(page.text) == []
    assert _version(page.text) == version
    # Malaysian inspectors read the case (MY is on the route) but get no list and cannot assign
    reader = visit("inspector_my")
    assert 'name="assign.inspector_id"' not in reader.get(path).text
    mine = {"version": version, "assign.inspector_id": foreign}
    assert reader.post(f"{path}/assign", mine).status_code == 403
    assert _history(inspector.get(path).text) == []


def test_a_stale_assignment_is_refused_with_a_conflict(
    visit: Visit, client: TestClient, world: DemoWorld
) -> None:
    case = flag_in_thailand(client, world)
    path = f"/ui/cases/{case['id']}"
    inspector = visit("inspector_th")
    version = _version(inspector.get(path).text)
    assert inspector.post(f"{path}/investigate", {"version": version}).status_code == 303
    me = str(world.accounts["inspector_th"])
    stale = inspector.post(f"{path}/assign", {"version": version, "assign.inspector_id": me})
    assert stale.status_code == 409 and "reload it" in text_of(stale.text)
    assert _history(inspector.get(path).text) == [
        "case.investigate · Assigned to DIW Thailand — enforcement"
    ]


def test_an_inspector_on_the_route_reads_a_foreign_case_but_cannot_act(
    visit: Visit, client: TestClient, world: DemoWorld
) -> None:
    case = flag_in_thailand(client, world)
    path = f"/ui/cases/{case['id']}"
    foreign = visit("inspector_my")
    page = foreign.get(path)
    assert page.status_code == 200 and case["movement"]["document_no"] in text_of(page.text)
    assert _forms(page.text) == []
    refused = foreign.post(f"{path}/investigate")
    assert refused.status_code == 403
    assert "Cases are handled by the inspectors of TH" in text_of(refused.text)
    assert "Open" in text_of(visit("inspector_th").get(path).text)
    mine = flag_in_malaysia(client, world)
    assert visit("inspector_th").get(f"/ui/cases/{mine['id']}").status_code == 404


def test_case_page_in_chinese(visit: Visit, client: TestClient, world: DemoWorld) -> None:
    case = flag_in_thailand(client, world)
    inspector = visit("inspector_th")
    text = text_of(inspector.get(f"/ui/cases/{case['id']}?lang=zh").text)
    assert "案件" in text and "待处理" in text and "开始调查" in text
    assert "标记与案件" in text_of(inspector.get("/ui/flags").text)  # the cookie keeps it


def _bars(html: str) -> int:
    return len(re.findall(r'<rect class="bar"', html))


def test_dashboard_charts_quantities_by_month_and_flags_by_rule(
    visit: Visit, client: TestClient, world: DemoWorld
) -> None:
    flag_in_malaysia(client, world)
    month = date.today().strftime("%Y-%m")
    authority = visit("authority_my").get("/ui/dashboard")
    assert authority.status_code == 200
    assert "<svg" in authority.text and _bars(authority.text) == 1  # one month with data
    table = text_of(authority.text.split('<table class="list quantities">')[1])
    assert table.startswith("Month Unit Notified Consented Shipped Received") and month in table
    assert "Flags by rule" not in authority.text  # flags are the inspectors'
    inspector = visit("inspector_my").get("/ui/dashboard")
    assert "Flags by rule" in inspector.text and _bars(inspector.text) == 2
    assert ">B01</text>" in inspector.text
    assert 'href="/ui/dashboard"' in inspector.text  # in the header
    empty = visit("authority_my").get("/ui/dashboard?year=2001")
    assert _bars(empty.text) == 0 and "No quantities in this year." in text_of(empty.text)
    zh = text_of(visit("authority_my").get("/ui/dashboard?lang=zh").text)
    assert "统计概览" in zh and "按月数量" in zh
    for who in ("exporter_my", "customs_my"):
        assert visit(who).get("/ui/dashboard").status_code == 403, who
