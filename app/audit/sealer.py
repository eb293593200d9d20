"""Chaining staged events in the background, in batches.

A border scan stages its audit event in its one write statement instead of taking the chain
lock (``app.scans.repository``). Sealing after each such commit (``service.seal``) would cost
every scan a look at ``audit_staged`` and, under load, a sealing transaction of its own; instead
the commit point pokes this process's sealer, which waits ``DELAY`` for more events to arrive
and chains everything staged in one transaction. It makes one such transaction per wake, not a
loop until nothing is staged: under a steady stream of scans that loop would never rest, sealing
a few events per transaction; every scan that stages pokes again after its commit.

Nothing is held only in memory: the events were committed, staged, before the poke. If the chain
lock is taken when the sealer tries, it tries again after ``DELAY``; if the process dies first,
the next commit of anyone, or the worker, chains them.
"""

from __future__ import annotations

import threading
import time
import weakref

from sqlalchemy.orm import Session, sessionmaker

from app.audit.service import SEAL_BATCH, seal_batch

#: How long the sealer waits after a poke, collecting events, before it chains them.
DELAY = 0.05
#: A sealer thread with nothing to do for this long ends (the next poke starts another).
IDLE_EXIT = 5.0


class Sealer:
    """One background thread per session factory that chains what commits have staged."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = weakref.ref(factory)
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()

    def poke(self) -> None:
        """Events were staged and committed: chain them soon."""
        with self._lock:
            self._idle.clear()
            self._wake.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="audit-sealer", daemon=True)
                self._thread.start()

    def wait_until_sealed(self, timeout: float = 10.0) -> bool:
        """Block until everything poked so far has been chained (tests wait on it between tests)."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while True:
            if not self._wake.wait(IDLE_EXIT):
                with self._lock:
                    if not self._wake.is_set():
                        self._thread = None
                        return
            time.sleep(DELAY)
            self._wake.clear()
            factory = self._factory()
            if factory is None:
                return
            chained = seal_batch(factory)  # never raises
            del factory
            if chained is None or chained == SEAL_BATCH:
                self._wake.set()  # the lock was taken, or more may be staged: again shortly
            with self._lock:
                if not self._wake.is_set():
                    self._idle.set()


_sealers: weakref.WeakKeyDictionary[sessionmaker[Session], Sealer] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def sealer_for(factory: sessionmaker[Session]) -> Sealer:
    """The sealer of this session factory (one per factory, so one per process)."""
    with _registry_lock:
        sealer = _sealers.get(factory)
        if sealer is None:
            sealer = _sealers[factory] = Sealer(factory)
        return sealer
