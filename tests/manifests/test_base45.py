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


def test_every_two_byte_group_round_trips_in_one_text() -> None:
    """All 65,536 groups side by side: the decoder handles the groups of a text together, so a
    group that spilled into its neighbour would show here."""
    data = b"".join(value.to_bytes(2, "big") for value in range(65536))
    assert b45decode(b45encode(data)) == data


def test_the_largest_group_decodes_and_one_more_is_refused_anywhere_in_the_text() -> None:
    assert b45decode("FGW") == b"\xff\xff"  # 15 + 16 * 45 + 32 * 2025 = 65535
    valid = b45encode(bytes(range(200)))
    for position in (0, 33, len(valid) - 3):
        text = valid[:position] + "GGW" + valid[position:]
        with pytest.raises(MalformedPayload, match="65535"):
            b45decode(text)


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
