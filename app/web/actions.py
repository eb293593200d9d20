"""The steps a page can take on a notification, each one existing service call.

One table instead of one route per step: the name is the URL segment and the form's field prefix,
``schema`` is the API's own request model (so the same shape rules apply), ``run`` calls the
service, which checks jurisdiction, capacity, state and version exactly as for the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from app.accounts.models import Account
from app.consents import service as consents
from app.consents.schemas import ConsentIn, InformationAnswerIn, InformationRequestIn, ObjectionIn
from app.keys.service import Signer
from app.movements import service as movements
from app.movements.schemas import MovementIn
from app.notifications import service as notifications
from app.notifications.domain import Actor, NotificationEvent
from app.notifications.schemas import ContractIn, GuaranteeIn, ReasonIn


@dataclass(frozen=True)
class Context:
    session: Session
    account: Account
    signer: Signer
    notification_id: int
    version: int | None


class AnswerForm(InformationAnswerIn):
    """The notifier's answer, naming the request it answers."""

    request_id: int = Field(ge=1)


Run = Callable[[Context, Any], object]


@dataclass(frozen=True)
class Action:
    name: str
    schema: type[BaseModel] | None
    run: Run


def _step(event: NotificationEvent, *actors: Actor) -> Run:
    def run(c: Context, data: Any) -> object:
        return notifications.step(
            session=c.session,
            account=c.account,
            notification_id=c.notification_id,
            event=event,
            allowed=actors,
            expected_version=c.version,
            reason=data.reason if data is not None else None,
        )

    return run


def _keywords(c: Context) -> dict[str, Any]:
    return {
        "session": c.session,
        "account": c.account,
        "notification_id": c.notification_id,
        "expected_version": c.version,
    }


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "submit",
            None,
            lambda c, _: notifications.submit(**_keywords(c)),
        ),
        Action("transmit", None, _step(NotificationEvent.TRANSMIT, Actor.EXPORT_AUTHORITY)),
        Action("refuse", ReasonIn, _step(NotificationEvent.REFUSE, Actor.EXPORT_AUTHORITY)),
        Action("acknowledge", None, _step(NotificationEvent.ACKNOWLEDGE, Actor.IMPORT_AUTHORITY)),
        Action(
            "consent",
            ConsentIn,
            lambda c, d: consents.consent(**_keywords(c), data=d),
        ),
        Action(
            "objection",
            ObjectionIn,
            lambda c, d: consents.object_to(**_keywords(c), reasons=d.reasons),
        ),
        Action(
            "question",
            InformationRequestIn,
            lambda c, d: consents.request_information(**_keywords(c), question=d.question),
        ),
        Action(
            "answer",
            AnswerForm,
            lambda c, d: consents.answer_information(
                **_keywords(c), request_id=d.request_id, answer=d.answer
            ),
        ),
        Action(
            "contract",
            ContractIn,
            lambda c, d: notifications.record_contract(**_keywords(c), data=d),
        ),
        Action(
            "guarantee",
            GuaranteeIn,
            lambda c, d: notifications.record_guarantee(**_keywords(c), data=d),
        ),
        Action(
            "movement",
            MovementIn,
            lambda c, d: movements.create_movement(
                session=c.session,
                account=c.account,
                signer=c.signer,
                notification_id=c.notification_id,
                data=d,
            ),
        ),
    ]
}
