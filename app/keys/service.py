"""Signing and the published trust material.

The key folder (``BASELTRACK_KEY_DIR``) is shared by every process of the service; the key set is
re-read only when its file changes, so a rotation by ``baseltrack keys rotate`` is seen at once by
all workers without restarts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.movements.models import DocumentRevocation
from manifests.claims import ManifestClaims
from manifests.errors import KeyStoreError
from manifests.keys import KeySet, KeyStore, SigningKey
from manifests.payload import encode
from manifests.revocation import RevocationList


@dataclass
class Signer:
    """Signs payloads with the active key of an issuing authority (issued on first use)."""

    store: KeyStore
    _keyset: KeySet | None = None
    _stamp: float = -1.0
    _keys: dict[str, SigningKey] = field(default_factory=dict)

    @classmethod
    def at(cls, folder: Path) -> Signer:
        return cls(KeyStore(folder))

    def keyset(self) -> KeySet:
        try:
            stamp = os.stat(self.store.keyset_path).st_mtime_ns
        except FileNotFoundError:
            stamp = 0
        if self._keyset is None or stamp != self._stamp:
            self._keyset, self._stamp, self._keys = self.store.keyset(), stamp, {}
        return self._keyset

    def key_for(self, issuer: str, country: str) -> SigningKey:
        self.keyset()  # drops cached private keys after a rotation
        if issuer not in self._keys:
            try:
                key = self.store.active_key(issuer)
            except KeyStoreError:
                try:
                    key = self.store.issue(issuer, country)
                except KeyStoreError:  # another process issued it first
                    key = self.store.active_key(issuer)
            self._keys[issuer] = key
        return self._keys[issuer]

    def sign(self, claims: ManifestClaims, country: str) -> str:
        """The QR text of ``claims``, signed with the issuer's active key.

        Claims are stamped (``issued_at``, whole seconds) just before they are signed; if the key
        came into being in between (the issuer's first document, or a rotation by another
        process), the stamp would predate the key and verifiers would reject the document as
        issued before its key existed. Such a document is issued when the key signs it.
        """
        key = self.key_for(claims.issuer, country)
        entry = self.keyset().find(key.kid)
        if entry is not None and claims.issued_at < entry.not_before:
            claims = replace(claims, issued_at=entry.not_before)
        return encode(claims, key)


def revocation_list(*, session: Session) -> RevocationList:
    rows = session.scalars(select(DocumentRevocation).order_by(DocumentRevocation.id))
    result = RevocationList()
    for row in rows:
        result = result.with_entry(row.doc_id, row.revision, row.reason, row.revoked_at)  # type: ignore[arg-type]
    return result


def revoke_document(*, session: Session, doc_id: str, revision: int | None, reason: str) -> None:
    session.add(DocumentRevocation(doc_id=doc_id, revision=revision, reason=reason))
    session.flush()


async def get_signer(request: Request) -> Signer:
    """The app's signer (one per process; all processes share the key folder).

    ``async`` because it does no I/O: FastAPI then calls it on the event loop instead of
    handing it to the thread pool (a hop that costs more than the lookup)."""
    signer: Signer = request.app.state.signer
    return signer


SignerDep = Annotated[Signer, Depends(get_signer)]
