"""The BT1 text: "BT1:" + base45(zlib(COSE_Sign1(claims))). Encoding and the size-capped unwrapping.

Caps protect a verifier from hostile codes: the text may be at most 4 KB and the decompressed
message at most 16 KB (a zlib bomb stops there instead of filling memory).
"""

from __future__ import annotations

import zlib

from manifests.base45 import b45decode, b45encode
from manifests.claims import ManifestClaims, claims_to_cbor
from manifests.cose import sign1
from manifests.errors import InvalidClaims, MalformedPayload
from manifests.keys import SigningKey

PREFIX = "BT1:"
MAX_TEXT_LENGTH = 4096
MAX_DECOMPRESSED = 16 * 1024


def encode(claims: ManifestClaims, key: SigningKey) -> str:
    """Sign the claims with the issuer's key and return the text to put in the QR code."""
    if claims.issuer != key.issuer:
        raise InvalidClaims(
            "issuer", f"claims name issuer {claims.issuer!r} but the key belongs to {key.issuer!r}"
        )
    message = sign1(claims_to_cbor(claims), key.kid, key.private_key)
    return PREFIX + b45encode(zlib.compress(message, 9))


def unwrap(text: str) -> bytes:
    """From QR text to COSE bytes, checking prefix, alphabet and sizes; raise MalformedPayload."""
    if not isinstance(text, str):
        raise MalformedPayload(f"QR text must be a string, got {type(text).__name__}")
    if len(text) > MAX_TEXT_LENGTH:
        raise MalformedPayload(
            f"QR text has {len(text)} characters; BT1 codes are at most {MAX_TEXT_LENGTH}"
        )
    if not text.startswith(PREFIX):
        raise MalformedPayload(f"QR text does not start with {PREFIX!r}: not a BaselTrack code")
    compressed = b45decode(text[len(PREFIX) :])
    inflater = zlib.decompressobj()
    try:
        message = inflater.decompress(compressed, MAX_DECOMPRESSED)
    except zlib.error as error:
        raise MalformedPayload(f"payload is not zlib data ({error})") from None
    if inflater.unconsumed_tail:
        raise MalformedPayload(
            f"payload inflates beyond {MAX_DECOMPRESSED} bytes (possible zlib bomb); refused"
        )
    if not inflater.eof:
        raise MalformedPayload("payload zlib stream is truncated")
    if inflater.unused_data:
        raise MalformedPayload("payload has bytes after the end of the zlib stream")
    return message
