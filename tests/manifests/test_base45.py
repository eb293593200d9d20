import pytest

from manifests.base45 import b45decode, b45encode
from manifests.errors import MalformedPayload

RFC_9285_VECTORS = [
    (b"AB", "BB8"),
    (b"Hello!!", "%69 VD92EX0"),
    (b"base-45", "UJCLQE7W581"),
    (b"ietf!", "QED8WEX0"),
    (b"", ""),
]


@pytest.mark.parametrize(("raw", "text"), RFC_9285_VECTORS)
def test_rfc_9285_vectors_encode_and_decode(raw: bytes, text: str) -> None:
    assert b45encode(raw) == text
    assert b45decode(text) == raw


def test_every_byte_value_round_trips() -> None:
    data = bytes(range(256)) + b"\xff"
    assert b45decode(b45encode(data)) == data


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("GGW", "65535"),  # RFC 9285 section 4.4: 'GGW' is 65536, out of range
        ("ab", "alphabet"),  # lower case is not base45
        ("BB8A", "length"),  # one dangling character
        ("ÄB8", "non-ASCII"),
        (":::", "65535"),
        ("::", "255"),
    ],
)
def test_invalid_text_is_refused_with_a_reason(text: str, problem: str) -> None:
    with pytest.raises(MalformedPayload, match=problem):
        b45decode(text)
