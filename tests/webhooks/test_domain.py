"""Webhook targets and signatures, without the network."""

from collections.abc import Callable

import pytest

from app.core.errors import InvalidInput
from app.webhooks.domain import check_target, sign, signature_valid


def resolver(table: dict[str, list[str]]) -> Callable[[str], list[str]]:
    return lambda host: table[host]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.5",
        "192.168.1.20",
        "172.16.4.4",
        "169.254.169.254",
        "::1",
        "fd00::1",
        "0.0.0.0",
    ],
)
def test_private_and_loopback_targets_are_refused(address: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_target(
            "https://hooks.example.org/x",
            allow_private=False,
            resolver=resolver({"hooks.example.org": [address]}),
        )
    assert caught.value.errors[0].rule == "webhook.private_target"
    assert address in caught.value.detail


def test_a_name_resolving_to_one_private_address_among_public_ones_is_refused() -> None:
    with pytest.raises(InvalidInput):
        check_target(
            "https://mixed.example.org/",
            allow_private=False,
            resolver=resolver({"mixed.example.org": ["93.184.216.34", "10.1.1.1"]}),
        )


def test_public_target_passes_and_the_setting_allows_loopback_for_tests() -> None:
    check_target(
        "https://hooks.example.org/x",
        allow_private=False,
        resolver=resolver({"hooks.example.org": ["93.184.216.34"]}),
    )
    check_target("http://127.0.0.1:9/x", allow_private=True)


@pytest.mark.parametrize(
    "url", ["ftp://example.org/", "file:///etc/passwd", "https://u:p@example.org/", "not a url"]
)
def test_odd_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidInput):
        check_target(url, allow_private=True)


def test_signature_covers_timestamp_and_body() -> None:
    signature = sign("s3cret", "1700000000", b'{"a":1}')
    assert signature.startswith("sha256=")
    assert signature_valid("s3cret", "1700000000", b'{"a":1}', signature)
    assert not signature_valid("s3cret", "1700000001", b'{"a":1}', signature)
    assert not signature_valid("other", "1700000000", b'{"a":1}', signature)
