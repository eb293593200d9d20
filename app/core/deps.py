"""Request-scoped dependencies: the one database session (and commit point) of a request."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.core.db import unit_of_work


def get_session(request: Request) -> Iterator[Session]:
    """Open the request's session; commit once after the route returns, roll back on any error.

    ``scope="function"`` below makes FastAPI run the commit *before* the response is sent, so a
    failed commit is reported to the caller instead of being hidden behind a 2xx.
    """
    with unit_of_work(request.app.state.session_factory) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
