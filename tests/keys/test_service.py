"""Signing with the issuer's active key."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from app.keys.service import Signer
from manifests.examples import example_claims
from manifests.verify import verify


def test_a_document_stamped_just_before_its_issuers_first_key_verifies(tmp_path: Path) -> None:
    """The first document of an issuer creates its key while being signed: a stamp taken a
    moment earlier, in the second before, must not make the document 'issued before its key
    existed'."""
    signer = Signer.at(tmp_path)
    claims = example_claims()
    signer.key_for(claims.issuer, "DE")
    created = signer.keyset().entries[0].not_before
    stamped_before = replace(claims, issued_at=created - timedelta(seconds=1))

    checked = verify(signer.sign(stamped_before, "DE"), signer.keyset(), None, today=created.date())

    assert checked.ok, checked.reasons
    assert checked.claims is not None and checked.claims.issued_at == created


def test_a_document_keeps_its_stamp_when_the_key_is_older(tmp_path: Path) -> None:
    signer = Signer.at(tmp_path)
    claims = example_claims()
    signer.key_for(claims.issuer, "DE")
    created = signer.keyset().entries[0].not_before
    later = replace(claims, issued_at=created + timedelta(minutes=5))

    checked = verify(signer.sign(later, "DE"), signer.keyset(), None, today=created.date())

    assert checked.ok, checked.reasons
    assert checked.claims is not None and checked.claims.issued_at == later.issued_at
