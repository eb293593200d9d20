"""Every verdict status, each produced by a crafted code, and hostile input that must not raise."""

from __future__ import annotations

import random
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from manifests.base45 import b45decode, b45encode
from manifests.claims import ManifestClaims, claims_to_cbor
from manifests.cose import COSE_SIGN1_TAG, parse_sign1, sign1
from manifests.keys import KeySet, PublicKeyEntry, SigningKey
from manifests.payload import PREFIX, encode, unwrap
from manifests.revocation import RevocationList
from manifests.verify import verify

from .conftest import IN_VALIDITY, KEY_CREATED


def _wrap(message: bytes) -> str:
    return PREFIX + b45encode(zlib.compress(message))


def test_round_trip_is_authentic_and_valid(text: str, keyset: KeySet, claims) -> None:
    verdict = verify(text, keyset, today=IN_VALIDITY)
    assert verdict.ok
    assert (verdict.authentic, verdict.status) == (True, "valid")
    assert verdict.claims == claims
    assert verdict.kid == keyset.entries[0].kid.hex()
    assert "DE-2026-000123" in verdict.reasons[0]


def test_as_dict_is_json_ready(text: str, keyset: KeySet) -> None:
    body = verify(text, keyset, today=IN_VALIDITY).as_dict()
    assert body["ok"] is True
    assert body["claims"]["quantity"] == "24.520"
    assert body["claims"]["route"] == ["DE", "NL", "MY"]
    assert body["claims"]["issued_at"] == "2026-02-20T09:30:00Z"


def test_tampered_claims_give_bad_signature(text: str, keyset: KeySet, claims) -> None:
    message = parse_sign1(zlib.decompress(b45decode(text[len(PREFIX) :])))
    forged = claims_to_cbor(replace(claims, quantity=claims.quantity / 2))
    tampered = cbor2.dumps(
        cbor2.CBORTag(COSE_SIGN1_TAG, [message.protected, {}, forged, message.signature])
    )
    verdict = verify(_wrap(tampered), keyset, today=IN_VALIDITY)
    assert (verdict.authentic, verdict.status) == (False, "bad_signature")
    assert verdict.claims is None


def test_flipped_signature_byte_gives_bad_signature(text: str, keyset: KeySet) -> None:
    raw = bytearray(zlib.decompress(b45decode(text[len(PREFIX) :])))
    raw[-1] ^= 0x01  # last byte of the signature
    verdict = verify(_wrap(bytes(raw)), keyset, today=IN_VALIDITY)
    assert verdict.status == "bad_signature"


def test_signature_by_another_key_under_a_known_kid_is_bad(keyset: KeySet, claims) -> None:
    impostor = SigningKey.generate("DE-UBA", "DE")
    known_kid = keyset.entries[0].kid
    message = sign1(claims_to_cbor(claims), known_kid, impostor.private_key)
    assert verify(_wrap(message), keyset, today=IN_VALIDITY).status == "bad_signature"


def test_a_weak_key_in_the_key_set_vouches_for_nothing(claims) -> None:
    """A key set entry holding the identity point (a small-order key) would let anyone sign:
    (R = identity, S = 0) passes a cofactorless check for every message, and OpenSSL accepts
    it. libsodium, which the verifier uses, refuses such keys."""
    identity = b"\x01" + bytes(31)
    weak = PublicKeyEntry(
        kid=b"weakkey!",
        issuer=claims.issuer,
        country="DE",
        public_key=Ed25519PublicKey.from_public_bytes(identity),
        not_before=KEY_CREATED,
        not_after=None,
        status="active",
    )
    protected = cbor2.dumps({1: -8, 4: weak.kid})
    forged = cbor2.dumps(
        cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, claims_to_cbor(claims), identity + bytes(32)])
    )
    verdict = verify(_wrap(forged), KeySet((weak,)), today=IN_VALIDITY)
    assert (verdict.authentic, verdict.status) == (False, "bad_signature")


def test_key_not_in_key_set_gives_unknown_key(keyset: KeySet, claims) -> None:
    other = SigningKey.generate("DE-UBA", "DE")
    verdict = verify(encode(claims, other), keyset, today=IN_VALIDITY)
    assert (verdict.authentic, verdict.status) == (False, "unknown_key")
    assert verdict.kid == other.kid.hex()


def test_key_of_another_issuer_gives_unknown_key(claims) -> None:
    dutch = SigningKey.generate("NL-ILT", "NL")
    keyset = KeySet((dutch.public_entry(not_before=KEY_CREATED),))
    message = sign1(claims_to_cbor(claims), dutch.kid, dutch.private_key)  # claims say DE-UBA
    verdict = verify(_wrap(message), keyset, today=IN_VALIDITY)
    assert verdict.status == "unknown_key"
    assert "NL-ILT" in verdict.reasons[0]


def test_revoked_key_gives_revoked_key(key: SigningKey, text: str) -> None:
    keyset = KeySet((key.public_entry(not_before=KEY_CREATED, status="revoked"),))
    verdict = verify(text, keyset, today=IN_VALIDITY)
    assert (verdict.authentic, verdict.status) == (False, "revoked_key")


def test_retired_key_keeps_verifying_documents_signed_before_retirement(
    key: SigningKey, text: str
) -> None:
    retired = replace(
        key.public_entry(not_before=KEY_CREATED),
        status="retired",
        not_after=datetime(2026, 4, 1, tzinfo=UTC),
    )
    verdict = verify(text, KeySet((retired,)), today=IN_VALIDITY)
    assert verdict.ok
    after_expiry = verify(text, KeySet((retired,)), today=date(2027, 3, 1))
    assert after_expiry.status == "expired"


def test_retired_key_cannot_vouch_for_documents_issued_after_retirement(
    key: SigningKey, text: str
) -> None:
    retired = replace(
        key.public_entry(not_before=KEY_CREATED),
        status="retired",
        not_after=datetime(2026, 2, 1, tzinfo=UTC),  # before issued_at 2026-02-20
    )
    verdict = verify(text, KeySet((retired,)), today=IN_VALIDITY)
    assert (verdict.authentic, verdict.status) == (False, "revoked_key")


def test_document_issued_before_the_key_existed_is_refused(key: SigningKey, text: str) -> None:
    young = key.public_entry(not_before=datetime(2026, 3, 1, tzinfo=UTC))
    assert verify(text, KeySet((young,)), today=IN_VALIDITY).status == "revoked_key"


def test_expired_and_not_yet_valid(text: str, keyset: KeySet) -> None:
    expired = verify(text, keyset, today=date(2027, 3, 1))
    early = verify(text, keyset, today=date(2026, 2, 28))
    assert (expired.authentic, expired.status, expired.ok) == (True, "expired", False)
    assert (early.authentic, early.status) == (True, "not_yet_valid")
    assert verify(text, keyset, today=date(2027, 2, 28)).ok  # last day still valid


def test_a_verdict_judged_again_on_another_date(
    text: str, keyset: KeySet, claims: ManifestClaims
) -> None:
    """A border judges the dates on its own calendar once it knows where it is; everything that
    does not depend on the date stays as it was."""
    on_last_day = verify(text, keyset, today=date(2027, 2, 28))
    assert on_last_day.on(date(2027, 3, 1)).status == "expired"
    assert on_last_day.on(date(2027, 2, 28)) == on_last_day
    assert verify(text, keyset, today=date(2026, 2, 28)).on(IN_VALIDITY).ok
    cancelled = RevocationList().with_entry(claims.doc_id, None, "cancelled")
    revoked = verify(text, keyset, cancelled, today=IN_VALIDITY)
    assert revoked.on(date(2027, 3, 1)).status == "revoked_document"
    forged = verify(text[:-4] + "AAAA", keyset, today=IN_VALIDITY)
    assert forged.on(IN_VALIDITY) == forged and not forged.authentic


def test_superseded_revision(text: str, keyset: KeySet, claims: ManifestClaims) -> None:
    revocations = RevocationList().with_entry(claims.doc_id, claims.revision, "superseded")
    verdict = verify(text, keyset, revocations, today=IN_VALIDITY)
    assert (verdict.authentic, verdict.status) == (True, "superseded")
    newer = RevocationList().with_entry(claims.doc_id, claims.revision + 1, "superseded")
    assert verify(text, keyset, newer, today=IN_VALIDITY).ok


def test_cancelled_document_all_revisions(text: str, keyset: KeySet, claims) -> None:
    revocations = RevocationList().with_entry(claims.doc_id, None, "cancelled")
    verdict = verify(text, keyset, revocations, today=IN_VALIDITY)
    assert verdict.status == "revoked_document"


def test_revocations_survive_json(text: str, keyset: KeySet, claims) -> None:
    cached = RevocationList.from_json(
        RevocationList().with_entry(claims.doc_id, claims.revision, "cancelled").to_json()
    )
    assert verify(text, keyset, cached, today=IN_VALIDITY).status == "revoked_document"


def _bomb() -> str:
    text = PREFIX + b45encode(zlib.compress(b"\0" * 2_000_000, 9))
    assert len(text) < 4096  # small enough to pass the text cap: only the inflate cap stops it
    return text


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda t: t[:-10], ""),
        (lambda t: t[: len(PREFIX) + 3], ""),
        (lambda t: "HC1:" + t[len(PREFIX) :], "BT1:"),
        (lambda t: t.lower(), "BT1:"),
        (lambda t: t + "~", "alphabet"),
        (lambda t: t + "é", "non-ASCII"),
        (lambda t: PREFIX + "A" * 5000, "at most 4096"),
        (lambda t: PREFIX, "zlib"),
        (lambda t: "", "BT1:"),
        (lambda t: PREFIX + b45encode(b"not zlib at all"), "zlib"),
        (lambda t: _wrap(b"\xff\xfe garbage"), "CBOR"),
        (lambda t: _wrap(cbor2.dumps([1, 2, 3])), "COSE_Sign1"),
        (lambda t: _wrap(cbor2.dumps(cbor2.CBORTag(98, []))), "tag 98"),
        (lambda t: _wrap(b"\x9f" * 5000), "CBOR"),  # deep indefinite nesting
        (lambda t: _bomb(), "zlib bomb"),
    ],
)
def test_hostile_input_gives_malformed_never_raises(
    text: str, keyset: KeySet, make, reason: str
) -> None:
    verdict = verify(make(text), keyset, today=IN_VALIDITY)
    assert (verdict.authentic, verdict.status, verdict.ok) == (False, "malformed", False)
    assert reason in verdict.reasons[0]


def test_non_string_input_is_malformed(keyset: KeySet) -> None:
    assert verify(None, keyset).status == "malformed"  # type: ignore[arg-type]


def test_unsupported_algorithm_is_malformed(keyset: KeySet, claims, key) -> None:
    protected = cbor2.dumps({1: -7, 4: key.kid})  # ES256 header, not accepted
    message = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, claims_to_cbor(claims), b"\0" * 64]))
    verdict = verify(_wrap(message), keyset, today=IN_VALIDITY)
    assert verdict.status == "malformed"
    assert "EdDSA" in verdict.reasons[0]


def test_random_mutations_never_raise_and_never_pass_other_content(
    text: str, keyset: KeySet
) -> None:
    """A mutated code may pass only where it still carries the very same signed message (the
    zlib wrapper has a few free bits, see the next test); any other mutation is refused."""
    rng = random.Random(1157)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    signed = unwrap(text)
    tried = refused = 0
    for _ in range(400):
        chars = list(text)
        for _ in range(rng.randint(1, 3)):
            chars[rng.randrange(len(PREFIX), len(chars))] = rng.choice(alphabet)
        mutated = "".join(chars)
        if mutated == text:
            continue
        tried += 1
        verdict = verify(mutated, keyset, today=IN_VALIDITY)
        if verdict.ok:
            assert unwrap(mutated) == signed
        else:
            refused += 1
    assert refused >= tried - 3  # seen: 1 pass in 80,000 mutations over 200 keys


@pytest.mark.parametrize("header", [b"\x78\x01", b"\x78\x5e", b"\x78\x9c"])
def test_another_zlib_header_carries_the_same_signed_document(
    text: str, keyset: KeySet, claims, header: bytes
) -> None:
    """The zlib header's compression-level bits are informational (RFC 1950), so a code written
    by another zlib encoder verifies: the signature covers the message, not its packing."""
    repacked = PREFIX + b45encode(header + b45decode(text[len(PREFIX) :])[2:])
    assert repacked != text
    verdict = verify(repacked, keyset, today=IN_VALIDITY)
    assert (verdict.ok, verdict.claims) == (True, claims)
