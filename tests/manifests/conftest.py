"""Fixtures: one issuer key, its key set, and the typical movement claims."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from manifests.claims import ManifestClaims
from manifests.examples import example_claims
from manifests.keys import KeySet, SigningKey
from manifests.payload import encode

KEY_CREATED = datetime(2026, 1, 1, tzinfo=UTC)
IN_VALIDITY = date(2026, 6, 1)


@pytest.fixture(scope="session")
def key() -> SigningKey:
    return SigningKey.generate("DE-UBA", "DE")


@pytest.fixture(scope="session")
def keyset(key: SigningKey) -> KeySet:
    return KeySet((key.public_entry(not_before=KEY_CREATED),))


@pytest.fixture
def claims() -> ManifestClaims:
    return example_claims()


@pytest.fixture
def text(claims: ManifestClaims, key: SigningKey) -> str:
    return encode(claims, key)
