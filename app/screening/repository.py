"""A ``ScreeningContext`` backed by the database: the rules see the same facts the procedure
recorded. Lookups are cached per context (bounded), so a batch job reads each notification once."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.errors import RuleViolation
from app.customs.models import DeclarationRecord
from app.movements import repository as movements
from app.movements.models import Movement
from app.notifications import repository as notifications
from app.notifications.models import Notification
from app.notifications.validation import check_legal_destination, waste_identification
from app.parties.models import Party
from app.reference.domain import is_hazardous
from app.screening.domain import MovementFacts, NotificationFacts, party_key
from app.screening.models import FlagRecord

_KG = {"t": 1000.0}


def _kg(quantity: Any, unit: str) -> float:
    """Tonnes to kg; volumes (m³) cannot be compared with a mass, so they never limit (S04)."""
    return float(quantity) * _KG[unit] if unit in _KG else float("inf")


class DbContext:
    def __init__(self, session: Session, today: date, cache_size: int = 10_000):
        self.session = session
        self.today = today
        self.notification = lru_cache(maxsize=cache_size)(self._notification)
        self.movement = lru_cache(maxsize=cache_size)(self._movement)
        self._illegal: frozenset[str] | None = None

    @property
    def illegal_traffic_parties(self) -> frozenset[str]:
        if self._illegal is None:
            rows = self.session.scalars(
                select(FlagRecord.outcome).where(FlagRecord.status == "confirmed")
            )
            self._illegal = frozenset(
                party_key(p) for outcome in rows if outcome for p in outcome.get("parties", [])
            )
        return self._illegal

    def _party_name(self, party_id: int) -> str:
        party = self.session.get(Party, party_id)
        return party.name if party else ""

    def _notification(self, number: str) -> NotificationFacts | None:
        n = self.session.scalars(select(Notification).where(Notification.number == number)).first()
        if n is None:
            return None
        n = notifications.get(self.session, n.id)
        assert n is not None
        used_quantity, used_shipments = movements.usage(self.session, n.id)
        waste = waste_identification(n.waste)
        barred = None
        try:
            check_legal_destination(
                n.export_country,
                n.import_country,
                waste,
                n.operations,
                notifications.prohibitions_for(self.session, n.import_country),
                self.today,
            )
        except RuleViolation as exc:
            barred = exc.detail
        transit = tuple(s.country for s in n.states if s.capacity == "transit")
        consented = frozenset(
            d.country
            for d in n.decisions
            if d.capacity == "transit" and d.status in ("consented", "tacit_consent")
        )
        offices = frozenset(o for o in n.customs_offices.values() if o) | frozenset(
            p for s in n.states for p in (s.point_of_exit, s.point_of_entry) if p
        )
        codes = tuple(
            c
            for c in [
                n.waste.get("basel_code"),
                n.waste.get("oecd_code"),
                n.waste.get("eu_code"),
                *n.waste.get("y_codes", []),
            ]
            if c
        )
        return NotificationFacts(
            number=n.number,
            status=n.status,
            export_country=n.export_country,
            import_country=n.import_country,
            transit_countries=transit,
            consented_transit_countries=consented,
            route_customs_offices=offices,
            valid_from=n.valid_from or n.first_departure,
            valid_to=n.valid_to or n.last_departure,
            quantity_total_kg=_kg(n.quantity, n.unit),
            shipments_total=n.intended_shipments,
            shipped_kg=_kg(used_quantity, n.unit),
            shipments_used=used_shipments,
            notifier_name=self._party_name(n.notifier_id),
            notifier_id=str(n.notifier_id),
            consignee_name=self._party_name(n.consignee_id),
            consignee_id=str(n.consignee_id),
            carriers=tuple(self._party_name(int(c["party_id"])) for c in n.carriers),
            waste_codes=codes,
            hazardous=is_hazardous(waste, on=self.today),
            hs_codes=tuple(c for c in [n.waste.get("hs_code")] if c),
            destination_barred=barred,
        )

    def _movement(self, movement_id: str) -> MovementFacts | None:
        m = movements.by_document_no(self.session, movement_id)
        if m is None:
            return None
        n = self.session.get(Notification, m.notification_id)
        assert n is not None
        crossed = movements.crossings(self.session, m.id)
        first = {c.direction: c.crossed_on for c in reversed(crossed)}
        return MovementFacts(
            movement_id=m.document_no,
            notification_number=n.number,
            quantity_kg=_kg(m.quantity, m.unit),
            carriers=tuple(self._party_name(int(c["party_id"])) for c in m.carriers),
            exit_at=first.get("exit"),
            entry_at=first.get("entry"),
            received_at=m.received_on,
        )

    def times_declared(self, movement_id: str, direction: str, declaration_id: str) -> int:
        return int(
            self.session.scalar(
                select(func.count(DeclarationRecord.id)).where(
                    DeclarationRecord.movement_doc == movement_id,
                    DeclarationRecord.direction == direction,
                    DeclarationRecord.declaration_id != declaration_id,
                )
            )
            or 0
        )

    def movement_record(self, document_no: str) -> Movement | None:
        return movements.by_document_no(self.session, document_no)
