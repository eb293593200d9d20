"""Benchmark of the manifests package on one core, with fixed iteration counts.

Run: ``.venv/bin/python -m bench.bench_manifests`` or ``.venv/bin/python bench/bench_manifests.py``.
Targets: >= 5,000 offline verifications/s and >= 100 movement PDFs/s per core.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.exceptions import InvalidSignature

from manifests.claims import ManifestClaims
from manifests.cose import parse_sign1
from manifests.examples import example_claims, example_movement_document
from manifests.keys import KeySet, SigningKey
from manifests.payload import encode, unwrap
from manifests.pdf import movement_pdf
from manifests.qr import qr_version
from manifests.verify import verify

VERIFICATIONS = 20_000
ENCODES = 2_000
PDFS = 300
DISTINCT_CODES = 400
TODAY = date(2026, 6, 1)


def distinct_claims(n: int) -> ManifestClaims:
    """The typical movement, made unique by shipment number and issue second."""
    claims = example_claims(shipment_no=n % 40 + 1)
    return replace(claims, issued_at=claims.issued_at + timedelta(seconds=n))


def rate(label: str, count: int, work: Callable[[int], object]) -> float:
    start = time.perf_counter()
    for index in range(count):
        work(index)
    elapsed = time.perf_counter() - start
    per_second = count / elapsed
    print(f"{label:<52} {count:>7} in {elapsed:6.2f} s = {per_second:>9,.0f}/s")
    return per_second


def main() -> None:
    key = SigningKey.generate("DE-UBA", "DE")
    keyset = KeySet((key.public_entry(not_before=datetime(2026, 1, 1, tzinfo=UTC)),))
    claims = [distinct_claims(n) for n in range(DISTINCT_CODES)]
    texts = [encode(c, key) for c in claims]
    version = qr_version(texts[0])
    print(
        f"typical movement: {len(texts[0])} characters, QR version {version} "
        f"({17 + 4 * version} modules) at level Q"
    )
    assert all(verify(t, keyset, today=TODAY).ok for t in texts[:10])

    rate("offline verifications", VERIFICATIONS,
         lambda i: verify(texts[i % DISTINCT_CODES], keyset, today=TODAY))  # fmt: skip
    compare_signature_checks(texts[0], keyset)
    rate("encodes (CBOR + COSE sign + zlib + base45)", ENCODES,
         lambda i: encode(claims[i % DISTINCT_CODES], key))  # fmt: skip

    document = example_movement_document()
    # Distinct texts not seen before: every PDF builds its QR matrix anew (no cache hit).
    fresh = [encode(distinct_claims(DISTINCT_CODES + n), key) for n in range(PDFS)]
    movement_pdf(document, texts[0])  # warm fonts
    rate("movement PDFs, each with a new QR code", PDFS,
         lambda i: movement_pdf(document, fresh[i]))  # fmt: skip
    rate("movement PDFs, QR matrix cached (reprint)", PDFS,
         lambda i: movement_pdf(document, texts[0]))  # fmt: skip


def compare_signature_checks(text: str, keyset: KeySet) -> None:
    """The Ed25519 check alone, libsodium (what ``verify`` uses) against OpenSSL, in one run:
    the primitive is most of a verification, and its speed differs between hosts."""
    message = parse_sign1(unwrap(text))
    entry = keyset.find(message.kid)
    assert entry is not None
    signed = message.signed_bytes()

    def openssl(_: int) -> None:
        try:
            entry.public_key.verify(message.signature, signed)
        except InvalidSignature:
            raise AssertionError("OpenSSL refused a good signature") from None

    sodium = rate("  of which the Ed25519 check (libsodium)", VERIFICATIONS // 4,
                  lambda _: message.verify(entry.raw_public_key))  # fmt: skip
    ssl = rate("  the same check with OpenSSL (not used)", VERIFICATIONS // 4, openssl)
    print(f"  libsodium / OpenSSL speed: {sodium / ssl:.2f}")


if __name__ == "__main__":
    main()
