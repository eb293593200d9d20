from typing import Any

from fastapi import APIRouter, Request, Response, status

from app.accounts.auth import CurrentAccount
from app.core.deps import SessionDep
from app.webhooks import service
from app.webhooks.schemas import SubscriptionCreated, SubscriptionIn, SubscriptionRead

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.post(
    "",
    response_model=SubscriptionCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Subscribe a URL to events you may see (signed with HMAC-SHA256)",
)
def subscribe(
    data: SubscriptionIn, request: Request, session: SessionDep, account: CurrentAccount
) -> Any:
    sub = service.subscribe(
        session=session, account=account, data=data, settings=request.app.state.settings
    )
    return SubscriptionCreated.model_validate(
        {**SubscriptionRead.model_validate(sub).model_dump(), "secret": sub.secret}
    )


@router.get("", response_model=list[SubscriptionRead], summary="Your subscriptions")
def list_(session: SessionDep, account: CurrentAccount) -> Any:
    return service.own(session=session, account=account)


@router.delete("/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
def unsubscribe(subscription_id: int, session: SessionDep, account: CurrentAccount) -> Response:
    service.unsubscribe(session=session, account=account, subscription_id=subscription_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
