"""Real processes for resilience tests and the load test: a fresh database, the service as
``baseltrack serve`` subprocesses, a throwaway PostgreSQL cluster that may be stopped, and an HTTP
transport that alternates between servers.

Everything here is bounded in time and cleans up after itself (also when a test fails).
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.core.db import make_engine, make_session_factory, unit_of_work
from app.core.migrate import upgrade
from app.demo import DemoWorld, load_demo

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- databases ---------------------------------------------------------------------------------


@contextmanager
def fresh_database(server_url: str | None, folder: Path) -> Iterator[str]:
    """A new database migrated to the latest schema, dropped afterwards.

    ``server_url`` names a PostgreSQL server (a new database is created on it); ``None`` means a
    SQLite file in ``folder`` — the same two backends as the test suite.
    """
    if not server_url:
        url = f"sqlite:///{folder / f'resilience-{uuid.uuid4().hex[:8]}.db'}"
        upgrade(url)
        yield url
        return
    server = make_url(server_url)
    name = f"baseltrack_res_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed_demo(url: str) -> DemoWorld:
    """The demo authorities, parties and accounts (fixed tokens), written once."""
    engine = make_engine(url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            return load_demo(session)
    finally:
        engine.dispose()


# --- the service as a subprocess ---------------------------------------------------------------


def baseltrack_command() -> list[str]:
    """The installed ``baseltrack`` command of this interpreter's environment."""
    script = Path(sys.executable).parent / "baseltrack"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from app.cli import main; main()"]


def service_env(database_url: str, key_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "BASELTRACK_DATABASE_URL": database_url,
        "BASELTRACK_KEY_DIR": str(key_dir),
        "BASELTRACK_DEMO_DATA": "false",
        "BASELTRACK_ALLOW_PRIVATE_TARGETS": "true",
        "PYTHONPATH": str(ROOT),  # the very code under test, whichever checkout runs it
    }


@dataclass
class ServerProcess:
    """``baseltrack serve --port P --workers N`` in its own process group, logging to a file."""

    database_url: str
    key_dir: Path
    log: Path
    workers: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        command = [*baseltrack_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=service_env(self.database_url, self.key_dir),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_healthy()
        return self

    def _wait_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{self.log_tail()}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"no answer in {START_TIMEOUT_S:.0f} s:\n{self.log_tail()}")

    def _signal(self, sig: signal.Signals) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        """SIGKILL the server and its workers at once: no shutdown code runs."""
        self._signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=STOP_TIMEOUT_S)

    def stop(self) -> None:
        """SIGTERM (graceful), SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()

    def pids(self) -> list[int]:
        """The supervisor and its worker processes (for CPU accounting)."""
        if self.process is None:
            return []
        pids, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                todo += [int(p) for p in task.read_text().split()]
        return pids

    def log_tail(self, lines: int = 30) -> str:
        if not self.log.exists():
            return "(no log)"
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def running(servers: Sequence[ServerProcess]) -> Iterator[Sequence[ServerProcess]]:
    """Start every server; stop every one at the end, whatever happened."""
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


def run_cli(database_url: str, key_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """One ``baseltrack`` command with the service's environment (e.g. ``keys rotate``)."""
    return subprocess.run(
        [*baseltrack_command(), *args],
        cwd=ROOT,
        env=service_env(database_url, key_dir),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# --- HTTP --------------------------------------------------------------------------------------


class RoundRobin(httpx.BaseTransport):
    """Sends each request to the next server in turn and counts who answered what."""

    def __init__(self, ports: Sequence[int]) -> None:
        self.ports = list(ports)
        self.turn = itertools.count()
        self.served: Counter[int] = Counter()
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        port = self.ports[next(self.turn) % len(self.ports)]
        request.url = request.url.copy_with(port=port)
        self.served[port] += 1
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def http_client(base_url: str, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    return httpx.Client(base_url=base_url, transport=transport, timeout=30.0)


def as_test_client(client: httpx.Client) -> TestClient:
    """The shared request builders in ``tests.factories`` are typed for ``TestClient`` but use
    only the ``httpx.Client`` API it inherits, so a real HTTP client serves them as well."""
    return client  # type: ignore[return-value]


# --- a PostgreSQL cluster of our own, to stop and start -----------------------------------------


def postgres_bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0 and (Path(out.stdout.strip()) / "initdb").exists():
            return Path(out.stdout.strip())
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    return candidates[-1] if candidates else None


@dataclass
class ThrowawayPostgres:
    """A private cluster on a free loopback port, never the shared one (others use it).

    As root the server runs as ``postgres`` (initdb refuses root), as ``scripts/test`` does.
    """

    bindir: Path
    folder: Path
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _as_owner(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str, check: bool = True) -> None:
        subprocess.run([*self._as_owner(), *args], check=check, capture_output=True, timeout=60)

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        data = str(self.folder / "data")
        self._run(str(self.bindir / "pg_ctl"), "-D", data, *args, check=check)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        data = str(self.folder / "data")
        self._run(str(self.bindir / "initdb"), "-D", data, "-U", "postgres", "-A", "trust")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._pg_ctl("-l", str(self.folder / "log"), "-w", "-t", "30", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        """``fast`` cuts open connections, as a crash or failover does to the service."""
        self._pg_ctl("-m", mode, "-w", "stop")

    def remove(self) -> None:
        self._pg_ctl("-m", "immediate", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def throwaway_postgres() -> Iterator[ThrowawayPostgres]:
    bindir = postgres_bindir()
    if bindir is None:
        raise RuntimeError(
            "No PostgreSQL binaries found (pg_config --bindir, /usr/lib/postgresql/*/bin): "
            "install PostgreSQL to run the database-outage test."
        )
    cluster = ThrowawayPostgres(bindir, Path(tempfile.mkdtemp(prefix="bt-pg-")))
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()
