"""KeyStore on disk: issue, rotate, revoke, file modes, JSON key set, two processes at once."""

from __future__ import annotations

import base64
import hashlib
import json
import stat
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from manifests.errors import KeyStoreError
from manifests.keys import KeySet, KeyStore, key_id
from manifests.payload import encode
from manifests.verify import verify

from .conftest import IN_VALIDITY


def test_issue_writes_private_key_0600_and_public_key_set(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    key = store.issue("DE-UBA", "DE")
    pem = tmp_path / f"{key.kid.hex()}.pem"
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in pem.read_bytes()
    published = json.loads((tmp_path / "keyset.json").read_text())
    assert published["keys"][0]["kid"] == key.kid.hex()
    assert "PRIVATE" not in (tmp_path / "keyset.json").read_text()
    assert store.active_key("DE-UBA").kid == key.kid
    assert key.kid == key_id(key.private_key.public_key())


def test_issue_twice_for_one_issuer_is_refused(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    store.issue("DE-UBA", "DE")
    with pytest.raises(KeyStoreError, match="rotate"):
        store.issue("DE-UBA", "DE")


def test_bad_country_and_unknown_issuer_are_refused(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    with pytest.raises(KeyStoreError, match="alpha-2"):
        store.issue("DE-UBA", "Germany")
    with pytest.raises(KeyStoreError, match="no active key"):
        store.active_key("FR-MTE")
    with pytest.raises(KeyStoreError, match="no active key to rotate"):
        store.rotate("FR-MTE")


def test_rotation_keeps_old_documents_valid_and_signs_with_the_new_key(
    tmp_path: Path, claims
) -> None:
    store = KeyStore(tmp_path)
    old = store.issue("DE-UBA", "DE")
    old_text = encode(replace(claims, issued_at=datetime.now(UTC)), old)  # signed before rotation
    new = store.rotate("DE-UBA")
    keyset = KeySet.from_json((tmp_path / "keyset.json").read_text())
    statuses = {entry.kid: entry.status for entry in keyset.entries}
    assert statuses == {old.kid: "retired", new.kid: "active"}
    assert store.active_key("DE-UBA").kid == new.kid
    assert verify(old_text, keyset, today=IN_VALIDITY).ok
    new_claims = replace(claims, issued_at=datetime.now(UTC) + timedelta(seconds=1))
    assert verify(encode(new_claims, new), keyset, today=IN_VALIDITY).ok


def test_revoked_key_stops_verifying(tmp_path: Path, claims) -> None:
    store = KeyStore(tmp_path)
    key = store.issue("DE-UBA", "DE")
    text = encode(claims, key)
    store.revoke(key.kid.hex())
    verdict = verify(text, store.keyset(), today=IN_VALIDITY)
    assert verdict.status == "revoked_key"
    with pytest.raises(KeyStoreError, match="no active key"):
        store.active_key("DE-UBA")
    with pytest.raises(KeyStoreError, match="no key with kid"):
        store.revoke("00" * 8)


def test_key_set_json_round_trip_and_validation(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    store.issue("DE-UBA", "DE")
    store.rotate("DE-UBA")
    keyset = store.keyset()
    assert KeySet.from_json(keyset.to_json()) == keyset
    body = json.loads(keyset.to_json())
    body["keys"][0]["kid"] = "00" * 8
    with pytest.raises(KeyStoreError, match="SHA-256"):
        KeySet.from_json(json.dumps(body))
    weak = b"\x01" + bytes(31)  # the identity point: any (R = identity, S = 0) would verify
    body["keys"][0]["public_key"] = base64.b64encode(weak).decode()
    body["keys"][0]["kid"] = hashlib.sha256(weak).hexdigest()[:16]
    with pytest.raises(KeyStoreError, match="small-order"):
        KeySet.from_json(json.dumps(body))
    with pytest.raises(KeyStoreError, match="format"):
        KeySet.from_json('{"keys": []}')
    with pytest.raises(KeyStoreError, match="not JSON"):
        KeySet.from_json("{")


def _rotate_many(folder: str) -> int:
    store = KeyStore(Path(folder))
    for _ in range(5):
        store.rotate("DE-UBA")
        assert store.keyset().entries  # a reader never sees a half-written file
    return 5


def test_two_processes_rotating_at_once_lose_no_key(tmp_path: Path) -> None:
    KeyStore(tmp_path).issue("DE-UBA", "DE")
    with ProcessPoolExecutor(max_workers=2) as pool:
        assert sum(pool.map(_rotate_many, [str(tmp_path)] * 2)) == 10
    keyset = KeyStore(tmp_path).keyset()
    assert len(keyset.entries) == 11
    assert [e.status for e in keyset.entries].count("active") == 1
    for entry in keyset.entries:
        assert (tmp_path / f"{entry.kid.hex()}.pem").exists()
    assert not list(tmp_path.glob("*.tmp"))


def test_revocation_list_file_problems_are_named() -> None:
    from manifests.errors import RevocationListError
    from manifests.revocation import RevocationList

    with pytest.raises(RevocationListError, match="revocation list is not JSON"):
        RevocationList.from_json("[")
    with pytest.raises(RevocationListError, match="'entries' must be a list"):
        RevocationList.from_json('{"format": "baseltrack-revocations/1", "entries": 3}')
    bad_reason = (
        '{"format": "baseltrack-revocations/1", "entries": [{"doc_id": "d", "revision": 1, '
        '"reason": "lost", "revoked_at": "2026-03-01T00:00:00+00:00"}]}'
    )
    with pytest.raises(RevocationListError, match="reason must be one of"):
        RevocationList.from_json(bad_reason)
