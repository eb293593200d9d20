"""COSE_Sign1 (RFC 9052) with EdDSA over Ed25519, written directly with cbor2 and cryptography.

Structure: tag 18 [protected bstr {1: -8, 4: kid}, unprotected {}, payload bstr, signature bstr].
The kid sits in the protected header so it is covered by the signature.

Signing uses cryptography (OpenSSL), which also keeps the private keys. Verification, which every
border scan and offline check does, uses libsodium through PyNaCl: on the same machine it took 61
µs per signature against OpenSSL's 117 µs, which is more than half of a whole offline
verification (see ``bench/bench_manifests.py``). libsodium is also the stricter of the two: it
refuses non-canonical encodings and small-order keys, which no honest signer produces.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import cbor2
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError

from manifests.errors import MalformedPayload

COSE_SIGN1_TAG = 18
HEADER_ALG = 1
HEADER_KID = 4
ALG_EDDSA = -8
KID_LENGTH = 8


@dataclass(frozen=True)
class Sign1:
    """A parsed but not yet verified COSE_Sign1 message."""

    protected: bytes
    kid: bytes
    payload: bytes
    signature: bytes

    def signed_bytes(self) -> bytes:
        return sig_structure(self.protected, self.payload)

    def verify(self, public_key: bytes) -> bool:
        """Whether the signature is that of the raw 32-byte Ed25519 ``public_key``."""
        try:
            crypto_sign_open(self.signature + self.signed_bytes(), public_key)
        except BadSignatureError:
            return False
        return True


def sig_structure(protected: bytes, payload: bytes) -> bytes:
    """Sig_structure: ["Signature1", protected, external_aad = b"", payload]."""
    return cbor2.dumps(["Signature1", protected, b"", payload])


def sign1(payload: bytes, kid: bytes, private_key: Ed25519PrivateKey) -> bytes:
    protected = cbor2.dumps({HEADER_ALG: ALG_EDDSA, HEADER_KID: kid})
    signature = private_key.sign(sig_structure(protected, payload))
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))


def parse_sign1(data: bytes) -> Sign1:
    """Parse the COSE layer; raise MalformedPayload on anything but the one shape we sign."""
    try:
        message = cbor2.loads(data, allow_duplicate_keys=False, max_depth=4)
    except Exception as error:  # cbor2 raises several types on hostile bytes
        raise MalformedPayload(f"COSE message is not valid CBOR ({type(error).__name__})") from None
    if isinstance(message, cbor2.CBORTag):
        if message.tag != COSE_SIGN1_TAG:
            raise MalformedPayload(f"CBOR tag {message.tag} is not COSE_Sign1 (18)")
        message = message.value
    if (
        not isinstance(message, list | tuple)  # cbor2 6 decodes a tagged array as a tuple
        or len(message) != 4
        or not all(isinstance(message[i], bytes) for i in (0, 2, 3))
        or not isinstance(message[1], Mapping)
    ):
        raise MalformedPayload("COSE_Sign1 must be [protected bstr, unprotected map, payload, sig]")
    protected, _unprotected, payload, signature = message
    try:
        headers = cbor2.loads(protected, allow_duplicate_keys=False, max_depth=2)
    except Exception as error:
        raise MalformedPayload(
            f"protected header is not valid CBOR ({type(error).__name__})"
        ) from None
    if not isinstance(headers, Mapping) or headers.get(HEADER_ALG) != ALG_EDDSA:
        raise MalformedPayload(
            "protected header must say alg -8 (EdDSA); other algorithms are refused"
        )
    kid = headers.get(HEADER_KID)
    if not isinstance(kid, bytes) or len(kid) != KID_LENGTH:
        raise MalformedPayload("protected header must carry an 8-byte kid (label 4)")
    if len(signature) != 64:
        raise MalformedPayload(f"Ed25519 signature must be 64 bytes, got {len(signature)}")
    return Sign1(protected, kid, payload, signature)
