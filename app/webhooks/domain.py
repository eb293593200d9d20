"""Pure rules for webhooks: which targets are safe to call, how a delivery is signed, which
events exist. The network lookup is passed in, so the rules are tested without DNS."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from app.core.errors import InvalidInput

#: Events a subscriber may ask for.
EVENTS = frozenset(
    {
        "notification.submitted",
        "notification.transmitted",
        "notification.refused",
        "notification.acknowledged",
        "notification.decided",
        "notification.consented",
        "notification.objected",
        "notification.withdrawn",
        "notification.expired",
        "notification.closed",
        "deadline.near",
        "deadline.passed",
        "movement.announced",
        "movement.crossed",
        "movement.received",
        "movement.rejected",
        "movement.certified",
        "movement.cancelled",
        "movement.return_required",
        "shipment.flagged",
    }
)

Resolver = Callable[[str], Iterable[str]]


def resolve(host: str) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, None)]


def check_target(url: str, *, allow_private: bool, resolver: Resolver = resolve) -> None:
    """Refuse URLs that would make the server call itself or a private network (SSRF)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput.on("url", "webhook.url", "Use an absolute http(s) URL.")
    if parts.username or parts.password:
        raise InvalidInput.on("url", "webhook.url", "Credentials in the URL are not allowed.")
    if allow_private:
        return
    try:
        addresses = list(resolver(parts.hostname))
    except OSError:
        raise InvalidInput.on(
            "url", "webhook.unresolvable", f"{parts.hostname} does not resolve."
        ) from None
    for raw in addresses:
        address = ipaddress.ip_address(raw.split("%")[0])
        if not address.is_global or address.is_multicast:
            raise InvalidInput.on(
                "url",
                "webhook.private_target",
                f"{parts.hostname} resolves to {address}, a private, loopback or reserved "
                "address; webhooks go to public addresses only.",
            )


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``<timestamp>.<body>`` (replay-resistant)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def signature_valid(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature)
