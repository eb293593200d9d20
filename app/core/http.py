"""Small HTTP helpers shared by routers: optimistic-concurrency and idempotency headers."""

from typing import Annotated

from fastapi import Depends, Header

from app.core.errors import InvalidInput


def expected_version(
    if_match: Annotated[
        str | None,
        Header(description='Version you last read (the ETag), e.g. "3"; a stale one gets 409'),
    ] = None,
) -> int | None:
    if if_match is None:
        return None
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise InvalidInput.on("If-Match", "header.version", 'Send the ETag you read, e.g. "3".')
    return int(raw)


IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="Repeat a creation safely: same key, same answer"),
]


#: The If-Match version of a request, for routes that change a versioned object.
Version = Annotated[int | None, Depends(expected_version)]
