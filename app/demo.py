"""Demo world: authorities, organisations and accounts for trying the service and for tests.

The demo tokens are fixed and published in the README so the worked example can be pasted as
is. They exist only where demo data was loaded (``BASELTRACK_DEMO_DATA=false`` switches it off).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Account, Role
from app.accounts.schemas import AccountCreate
from app.accounts.service import create_account
from app.authorities.schemas import AuthorityIn
from app.authorities.service import create_authority
from app.parties.models import PartyKind
from app.parties.schemas import PartyIn
from app.parties.service import create_party

AUTHORITIES = [
    # code, country, name, weekend, tacit transit consent
    ("MY-DOE", "MY", "Department of Environment Malaysia", [5, 6], False),
    ("SG-NEA", "SG", "National Environment Agency Singapore", [5, 6], True),
    ("KR-MOE", "KR", "Ministry of Environment, Republic of Korea", [5, 6], False),
    ("CN-MEE", "CN", "Ministry of Ecology and Environment of China", [5, 6], False),
    ("TH-DIW", "TH", "Department of Industrial Works Thailand", [5, 6], False),
    ("DE-UBA", "DE", "Umweltbundesamt", [5, 6], False),
    ("BE-OVAM", "BE", "OVAM (Flanders)", [5, 6], False),
    ("FR-PNTTD", "FR", "Pôle national des transferts transfrontaliers de déchets", [5, 6], False),
    ("AE-MOCCAE", "AE", "Ministry of Climate Change and Environment UAE", [5, 6], False),
]

PARTIES = [
    # key, kind, name, country, pre-consented
    ("my_exporter", PartyKind.EXPORTER, "Pulau Battery Recyclers Sdn Bhd", "MY", False),
    ("my_generator", PartyKind.GENERATOR, "Klang Valley Auto Services Sdn Bhd", "MY", False),
    ("my_carrier", PartyKind.CARRIER, "Straits Hazmat Logistics Sdn Bhd", "MY", False),
    ("kr_consignee", PartyKind.CONSIGNEE, "Onsan Lead Smelting Co., Ltd.", "KR", False),
    ("kr_facility", PartyKind.FACILITY, "Onsan Lead Smelting Co., Ltd. — Plant 2", "KR", False),
    ("de_exporter", PartyKind.EXPORTER, "Batterie Recycling Rhein GmbH", "DE", False),
    ("de_generator", PartyKind.GENERATOR, "Autohaus Köln GmbH", "DE", False),
    ("de_carrier", PartyKind.CARRIER, "Rhein Gefahrgut Spedition GmbH", "DE", False),
    ("fr_consignee", PartyKind.CONSIGNEE, "Recyclage Plomb du Nord SAS", "FR", False),
    ("fr_facility", PartyKind.FACILITY, "Recyclage Plomb du Nord SAS — Usine de Douai", "FR", True),
    ("th_consignee", PartyKind.CONSIGNEE, "Samut Prakan Metal Recovery Co., Ltd.", "TH", False),
    (
        "th_facility",
        PartyKind.FACILITY,
        "Samut Prakan Metal Recovery — Bang Phli plant",
        "TH",
        False,
    ),
    ("cn_exporter", PartyKind.EXPORTER, "Shenzhen Green Metals Co., Ltd.", "CN", False),
]

#: Accounts in countries that keep several times say where they work (elsewhere: the country's).
TIME_ZONES = {"exporter_cn": "Asia/Shanghai"}

ACCOUNTS = [
    # token suffix, role, country, name, party key or authority code
    ("admin", Role.ADMIN, "MY", "Service administrator", None),
    (
        "exporter_my",
        Role.EXPORTER,
        "MY",
        "Pulau Battery Recyclers — compliance desk",
        "my_exporter",
    ),
    ("exporter_de", Role.EXPORTER, "DE", "Batterie Recycling Rhein — Versand", "de_exporter"),
    ("exporter_cn", Role.EXPORTER, "CN", "Shenzhen Green Metals — export desk", "cn_exporter"),
    ("authority_my", Role.AUTHORITY, "MY", "DOE Malaysia — TBM unit", "MY-DOE"),
    ("authority_sg", Role.AUTHORITY, "SG", "NEA Singapore — Basel desk", "SG-NEA"),
    ("authority_kr", Role.AUTHORITY, "KR", "MOE Korea — import permits", "KR-MOE"),
    ("authority_th", Role.AUTHORITY, "TH", "DIW Thailand — Basel desk", "TH-DIW"),
    ("authority_de", Role.AUTHORITY, "DE", "UBA — Notifizierungen", "DE-UBA"),
    ("authority_be", Role.AUTHORITY, "BE", "OVAM — grensoverschrijdend", "BE-OVAM"),
    ("authority_fr", Role.AUTHORITY, "FR", "PNTTD — notifications", "FR-PNTTD"),
    ("customs_my", Role.CUSTOMS, "MY", "Royal Malaysian Customs — Port Klang", None),
    ("customs_kr", Role.CUSTOMS, "KR", "Korea Customs Service — Busan", None),
    ("customs_th", Role.CUSTOMS, "TH", "Thai Customs — Laem Chabang", None),
    ("inspector_my", Role.INSPECTOR, "MY", "DOE Malaysia — enforcement", None),
    ("inspector_th", Role.INSPECTOR, "TH", "DIW Thailand — enforcement", None),
    ("facility_kr", Role.FACILITY, "KR", "Onsan Plant 2 — weighbridge", "kr_facility"),
    ("carrier_my", Role.CARRIER, "MY", "Straits Hazmat Logistics — dispatch", "my_carrier"),
]

DEMO_TOKEN_PREFIX = "bt_demo_"


@dataclass
class DemoWorld:
    authorities: dict[str, int] = field(default_factory=dict)
    parties: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)


def demo_loaded(session: Session) -> bool:
    return session.scalars(select(Account.id).limit(1)).first() is not None


def load_demo(session: Session) -> DemoWorld:
    world = DemoWorld()
    for code, country, name, weekend, tacit in AUTHORITIES:
        a = create_authority(
            session=session,
            actor=None,
            data=AuthorityIn(
                code=code, country=country, name=name, weekend=weekend, tacit_transit_consent=tacit
            ),
        )
        world.authorities[code] = a.id
    for key, kind, name, country, pre_consented in PARTIES:
        p = create_party(
            session=session,
            actor=None,
            data=PartyIn(
                kind=kind,
                name=name,
                country=country,
                pre_consented=pre_consented,
                address=f"{name}, {country}",
            ),
        )
        world.parties[key] = p.id
    for suffix, role, country, name, link in ACCOUNTS:
        data = AccountCreate(
            name=name,
            role=role,
            country=country,
            time_zone=TIME_ZONES.get(suffix),
            party_id=world.parties.get(link or ""),
            authority_id=world.authorities.get(link or ""),
        )
        token = DEMO_TOKEN_PREFIX + suffix
        account, _ = create_account(session=session, actor=None, data=data, token=token)
        world.tokens[suffix] = token
        world.accounts[suffix] = account.id
    return world


def demo_tokens() -> dict[str, str]:
    return {suffix: DEMO_TOKEN_PREFIX + suffix for suffix, *_ in ACCOUNTS}
