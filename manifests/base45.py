"""Base45 (RFC 9285): bytes as text in the QR alphanumeric character set.

Base45 uses exactly the 45 characters a QR code stores in alphanumeric mode (5.5 bits each), so a
base45 text packs into a smaller QR symbol than base64 in byte mode.
"""

from __future__ import annotations

import struct

from manifests.errors import MalformedPayload

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_INVALID = 0xFF
_DECODE_TABLE = bytes(
    ALPHABET.index(chr(code)) if chr(code) in ALPHABET else _INVALID for code in range(256)
)


def b45encode(data: bytes) -> str:
    """Encode bytes: each pair of bytes becomes three characters, a last odd byte two."""
    out: list[str] = []
    alphabet = ALPHABET
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        high, rest = divmod(n, 2025)
        middle, low = divmod(rest, 45)
        out.append(alphabet[low] + alphabet[middle] + alphabet[high])
    if len(data) % 2:
        middle, low = divmod(data[-1], 45)
        out.append(alphabet[low] + alphabet[middle])
    return "".join(out)


def b45decode(text: str) -> bytes:
    """Decode base45 text; raise MalformedPayload on a foreign character or an impossible group."""
    try:
        values = text.encode("ascii").translate(_DECODE_TABLE)
    except UnicodeEncodeError:
        raise MalformedPayload("base45: text contains a non-ASCII character") from None
    bad = values.find(_INVALID)
    if bad >= 0:
        raise MalformedPayload(
            f"base45: character {text[bad]!r} at position {bad} is not in the base45 alphabet"
        )
    if len(values) % 3 == 1:
        raise MalformedPayload(
            f"base45: a text of {len(values)} characters cannot be base45 (length mod 3 is 1)"
        )
    full = len(values) - len(values) % 3
    groups = [
        low + middle * 45 + high * 2025
        for low, middle, high in zip(
            values[0:full:3], values[1:full:3], values[2:full:3], strict=True
        )
    ]
    if groups and max(groups) > 0xFFFF:
        raise MalformedPayload("base45: a three-character group decodes to more than 65535")
    out = struct.pack(f">{len(groups)}H", *groups)
    if full < len(values):
        n = values[full] + values[full + 1] * 45
        if n > 0xFF:
            raise MalformedPayload(f"base45: final pair decodes to {n} > 255")
        out += bytes((n,))
    return out
