"""Border scans through the HTTP API on PostgreSQL: open-loop latency at a fixed rate, and the
back-to-back maximum.

Run: ``.venv/bin/python -m bench.bench_scans [--rate 500] [--seconds 10] [--workers 2]
[--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]``.
Target (the issue): scan p99 under 20 ms at 500 requests/s on PostgreSQL.

Every scan is the realistic one: the first, valid exit scan of an announced movement at office
MYPKG by the Malaysian customs officer, so the server verifies the signature, compares with the
record, stores the scan and the crossing, moves the shipment on and appends to the audit chain.
A fresh database is created on the given server for the run and dropped at the end (also on
Ctrl-C or failure); the service runs as a subprocess on loopback. The load generator shares the
machine with the server and PostgreSQL, so the CPU split is printed with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from app.accounts.auth import hash_token
from app.accounts.models import Account
from app.audit.sealer import sealer_for
from app.consents import service as consents
from app.consents.schemas import ConsentIn
from app.core.db import make_engine, make_session_factory, unit_of_work
from app.demo import DemoWorld, load_demo
from app.keys.service import Signer
from app.movements import service as movements
from app.movements.schemas import MovementIn
from app.notifications import service as notifications
from app.notifications.domain import Actor, NotificationEvent
from app.notifications.schemas import ContractIn, GuaranteeIn, NotificationIn
from app.scans import service as scans
from app.scans.schemas import ScanIn
from bench.common import fresh_database, percentile, terminate_as_exit

with warnings.catch_warnings():  # tests.factories imports fastapi.testclient, which warns
    warnings.simplefilter("ignore")
    from tests.factories import consent_body, lead_acid_notification, movement_body

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_P99_MS = 20.0
OFFICER = "customs_my"
OFFICE, DIRECTION = "MYPKG", "exit"
MOVEMENTS_PER_TRANSACTION = 20
ANALYZE_EVERY = 1000
REQUEST_TIMEOUT_S = 10.0
START_TIMEOUT_S = 60.0
IN_PROCESS_WARMUP, IN_PROCESS_SCANS = 200, 700


# --- the database ------------------------------------------------------------------------------


def _account(session: Session, world: DemoWorld, who: str) -> Account:
    return session.scalars(select(Account).where(Account.id == world.accounts[who])).one()


def _consented_notification(session: Session, world: DemoWorld, shipments: int) -> int:
    """The steps of tests/factories.consented_notification, through the services."""
    body = lead_acid_notification(world, intended_shipments=shipments, quantity=f"{shipments}.000")

    def who(name: str) -> Account:
        return _account(session, world, name)

    n = notifications.create_notification(
        session=session, account=who("exporter_my"), data=NotificationIn.model_validate(body)
    )
    common: dict[str, Any] = {"session": session, "notification_id": n.id, "expected_version": None}
    notifications.submit(account=who("exporter_my"), **common)
    notifications.step(
        account=who("authority_my"),
        event=NotificationEvent.TRANSMIT,
        allowed=(Actor.EXPORT_AUTHORITY,),
        **common,
    )
    notifications.step(
        account=who("authority_kr"),
        event=NotificationEvent.ACKNOWLEDGE,
        allowed=(Actor.IMPORT_AUTHORITY,),
        **common,
    )
    for authority in ("authority_sg", "authority_kr"):
        consent = ConsentIn.model_validate(consent_body())
        consents.consent(account=who(authority), data=consent, **common)
    contract = ContractIn(reference="C-2026-14", concluded_on=n.created_at.date())
    notifications.record_contract(account=who("exporter_my"), data=contract, **common)
    guarantee = GuaranteeIn.model_validate(body["guarantee"])
    notifications.record_guarantee(account=who("exporter_my"), data=guarantee, **common)
    assert n.status == "consented", n.status
    return n.id


def seed(url: str, key_dir: Path, count: int) -> tuple[str, list[str]]:
    """Demo world, one consented MY→SG→KR notification, ``count`` announced movements.

    Returns the officer's token and the QR text of each movement, in order.
    """
    factory = make_session_factory(make_engine(url))
    signer = Signer.at(key_dir)
    with unit_of_work(factory) as session:
        world = load_demo(session)
        notification_id = _consented_notification(session, world, count)
    data = MovementIn.model_validate(movement_body(world, quantity="1.000"))
    assert data.quantity == Decimal("1.000")
    qr_texts: list[str] = []
    while len(qr_texts) < count:
        if len(qr_texts) % ANALYZE_EVERY == 0:
            analyze(url)
        with unit_of_work(factory) as session:
            exporter = _account(session, world, "exporter_my")
            for _ in range(min(MOVEMENTS_PER_TRANSACTION, count - len(qr_texts))):
                m = movements.create_movement(
                    session=session,
                    account=exporter,
                    signer=signer,
                    notification_id=notification_id,
                    data=data,
                )
                movements.announce(session=session, account=exporter, movement_id=m.id)
                qr_texts.append(m.qr_text)
    analyze(url)
    return world.tokens[OFFICER], qr_texts


def stored_scans(url: str) -> int:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        count = int(conn.execute(text("SELECT count(*) FROM scans")).scalar_one())
    engine.dispose()
    return count


def analyze(url: str) -> None:
    """Planner statistics, as autovacuum keeps them in production (this server runs without
    it): without them the growing tables are read with sequential scans."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


# --- the service -------------------------------------------------------------------------------


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    host: str = "127.0.0.1"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def pids(self) -> list[int]:
        """The uvicorn supervisor and its worker processes."""
        pids, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                todo += [int(p) for p in task.read_text().split()]
        return pids

    def workers(self) -> list[int]:
        """The worker processes, which serve the requests (the supervisor's other child is
        multiprocessing's resource tracker)."""
        return [
            pid
            for pid in self.pids()
            if pid != self.process.pid and b"resource_tracker" not in _cmdline(pid)
        ]

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_started(server: Server, workers: int) -> None:
    """/health answers and every worker has logged its start-up."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{server.log_tail()}")
        started = server.log.read_text(errors="replace").count("Application startup complete")
        try:
            healthy = httpx.get(server.base_url + "/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            healthy = False
        if healthy and started >= workers:
            return
        time.sleep(0.2)
    raise RuntimeError(f"the server did not start in {START_TIMEOUT_S:.0f} s:\n{server.log_tail()}")


@contextmanager
def running_server(url: str, key_dir: Path, workers: int, log: Path) -> Iterator[Server]:
    """``app.main:create_app`` under uvicorn, as ``baseltrack serve --workers N`` runs it (info
    log level only so the start-up of each worker can be seen; no access log)."""
    port = _free_port()
    env = {
        **os.environ,
        "BASELTRACK_DATABASE_URL": url,
        "BASELTRACK_KEY_DIR": str(key_dir),
        "BASELTRACK_DEMO_DATA": "false",
        "BASELTRACK_PORT": str(port),
    }
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    command += ["--log-level", "info", "--no-access-log"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(port, process, log)
    try:
        _wait_until_started(server, workers)
        yield server
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's own process group (its workers), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- CPU accounting ----------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


PidSource = Callable[[], Sequence[int]]


def _cpu_by_pid(pids: Sequence[int]) -> dict[int, float]:
    """User + system CPU seconds of each process still alive."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return out


def _machine_busy() -> float:
    """Busy CPU seconds of the whole machine since boot, summed over all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    return (sum(values) - values[3] - values[4]) / TICK  # minus idle and iowait


def database_backends(database: str) -> list[int]:
    """The PostgreSQL backends serving ``database`` (their process title names it)."""
    marker = f" {database} ".encode()
    pids = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    titles = {pid: _cmdline(pid) for pid in pids}
    return [
        pid for pid, title in titles.items() if title.startswith(b"postgres: ") and marker in title
    ]


@dataclass
class CpuSplit:
    """Where the CPU went during a phase, in cores (2.0 = both cores of a 2-core machine)."""

    machine: float
    parts: dict[str, float]

    @property
    def other(self) -> float:
        """Everything else on the machine (other users' work, the kernel, PostgreSQL's
        background processes)."""
        return max(0.0, self.machine - sum(self.parts.values()))


class CpuMeter:
    """CPU used by groups of processes between its creation and ``split()``."""

    def __init__(self, groups: dict[str, PidSource]) -> None:
        self.groups = groups
        self.wall = time.monotonic()
        self.busy = _machine_busy()
        self.start = {name: _cpu_by_pid(pids()) for name, pids in groups.items()}

    def split(self) -> CpuSplit:
        wall = time.monotonic() - self.wall
        parts = {
            name: sum(
                cpu - self.start[name].get(pid, 0.0) for pid, cpu in _cpu_by_pid(pids()).items()
            )
            / wall
            for name, pids in self.groups.items()
        }
        return CpuSplit(machine=(_machine_busy() - self.busy) / wall, parts=parts)


class SessionSampler:
    """What the service's PostgreSQL sessions are doing, sampled every 0.1 s in a thread.

    Tells the audit chain's advisory lock (every scan appends to one chain under one lock) apart
    from other waits (WAL flush on commit, row locks), statements running, and transactions left
    open while Python works between statements ('idle in transaction').
    """

    QUERY = text(
        """
        SELECT count(*) FILTER (WHERE wait_event = 'advisory'),
               count(*) FILTER (WHERE state = 'active' AND wait_event IS NULL),
               count(*) FILTER (WHERE state = 'active' AND wait_event <> 'advisory'),
               count(*) FILTER (WHERE state = 'idle in transaction')
        FROM pg_stat_activity WHERE datname = :database AND pid <> pg_backend_pid()
        """
    )
    LABELS = ("waiting for the audit-chain lock", "running", "other waits", "idle in transaction")

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, poolclass=NullPool)
        self.database = make_url(url).database
        self.rows: list[tuple[int, ...]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        with self.engine.connect() as conn:
            while not self.stop.wait(0.1):
                row = conn.execute(self.QUERY, {"database": self.database}).one()
                self.rows.append(tuple(row))
                conn.rollback()

    def __enter__(self) -> SessionSampler:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()
        self.engine.dispose()

    def means(self) -> dict[str, float]:
        n = max(1, len(self.rows))
        return {label: sum(r[i] for r in self.rows) / n for i, label in enumerate(self.LABELS)}


# --- the load ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    latency: float  # seconds, from the moment the request was due
    status: int  # 0: no answer (timeout, connection error)
    ok: bool
    detail: str = ""
    due: float = 0.0  # perf_counter() when the request was due


@dataclass
class Phase:
    name: str
    samples: list[Sample] = field(default_factory=list)
    elapsed: float = 0.0
    max_send_lag: float = 0.0  # how late the generator sent a request (open loop only)
    unfinished: int = 0
    cpu: CpuSplit | None = None
    sessions: dict[str, float] = field(default_factory=dict)
    recorded: int = 0  # scans the server stored during the phase, answered in time or not
    worker_cores: list[float] = field(default_factory=list)  # CPU of each server worker
    by_second: bool = False  # print the latency of each second (open loop)
    rate: float = 0.0  # requests due per second (open loop)

    @property
    def errors(self) -> list[Sample]:
        unfinished = [Sample(0.0, 0, False, "no answer before the phase ended")] * self.unfinished
        return [s for s in self.samples if not s.ok] + unfinished

    @property
    def answered_per_second(self) -> float:
        return sum(1 for s in self.samples if s.status) / self.elapsed


def scan_body(qr_text: str) -> bytes:
    return json.dumps({"qr_text": qr_text, "office": OFFICE, "direction": DIRECTION}).encode()


class LoopbackClient:
    """A minimal HTTP/1.1 keep-alive client for POST /scans on loopback.

    Why not httpx: on this machine httpx spends about 2 ms of CPU per request (measured against
    a do-nothing ASGI app), which at 500 requests/s would take a whole core from the server under
    test; this client spends under 0.15 ms. It needs only what the service sends: a status line
    and a Content-Length body.

    Each request goes out on the connection that has been idle longest, as when many scanners
    at border posts each hold a connection. Reusing the most recently freed one instead (a
    stack) puts nearly all scans on the few connections at the top of the stack, so on the one
    uvicorn worker that happened to accept those: 70 % of the scans on one of two workers was
    measured that way, and that worker fell behind while the other idled.
    """

    def __init__(self, host: str, port: int, token: str, connections: int) -> None:
        self.host, self.port = host, port
        self.head = (
            f"POST /scans HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\nContent-Length: "
        ).encode()
        self.idle: deque[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = deque()
        self.slots = asyncio.Semaphore(connections)

    async def post(self, body: bytes) -> tuple[int, bytes]:
        """Status and body; waits for a free connection when all are busy."""
        request = self.head + b"%d\r\n\r\n" % len(body) + body
        async with self.slots:
            while self.idle:
                connection = self.idle.popleft()
                if not connection[0].at_eof():  # the server closes idle keep-alives
                    try:
                        return await self._exchange(connection, request)
                    except asyncio.IncompleteReadError as exc:
                        if exc.partial:
                            raise
                        break  # closed before answering: retry once on a new connection
            return await self._exchange(await self._connect(), request)

    async def _exchange(
        self, connection: tuple[asyncio.StreamReader, asyncio.StreamWriter], request: bytes
    ) -> tuple[int, bytes]:
        reader, writer = connection
        try:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status, length = int(head[9:12]), _content_length(head)
            payload = await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        self.idle.append(connection)
        return status, payload

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    raise ValueError(f"no Content-Length in the answer: {head[:200]!r}")


async def one_scan(client: LoopbackClient, body: bytes, due: float) -> Sample:
    """One scan; ok only for 200 with verdict 'valid' (a flagged scan is an error here)."""
    try:
        status, payload = await asyncio.wait_for(client.post(body), REQUEST_TIMEOUT_S)
    except (OSError, ValueError, asyncio.IncompleteReadError, TimeoutError) as exc:
        return Sample(time.perf_counter() - due, 0, False, f"{type(exc).__name__}: {exc}", due)
    latency = time.perf_counter() - due
    if status == 200 and json.loads(payload).get("verdict") == "valid":
        return Sample(latency, status, True, due=due)
    detail = f"{status} {payload[:300].decode(errors='replace')}"
    return Sample(latency, status, False, detail, due)


async def open_loop(client: LoopbackClient, bodies: Sequence[bytes], rate: float) -> Phase:
    """Request i is due at start + i/rate, whatever happened to the ones before (no coordinated
    omission: a late answer, or a request the generator sent late, counts from its due time)."""
    phase = Phase(f"open loop at {rate:g}/s", by_second=True, rate=rate)
    tasks = []
    start = time.perf_counter() + 0.05
    for i, body in enumerate(bodies):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        phase.max_send_lag = max(phase.max_send_lag, time.perf_counter() - due)
        tasks.append(asyncio.create_task(one_scan(client, body, due)))
    done, pending = await asyncio.wait(tasks, timeout=REQUEST_TIMEOUT_S + 5)
    for task in pending:
        task.cancel()
    phase.elapsed = time.perf_counter() - start
    phase.samples = [t.result() for t in done]
    phase.unfinished = len(pending)
    return phase


async def back_to_back(
    client: LoopbackClient, bodies: Sequence[bytes], clients: int, seconds: float, name: str
) -> Phase:
    """``clients`` loops each sending the next scan as soon as the last one answered, until the
    time is up or the prepared movements run out."""
    phase = Phase(name)
    queue = iter(bodies)
    start = time.perf_counter()
    stop = start + seconds

    async def loop() -> None:
        while time.perf_counter() < stop and (body := next(queue, None)) is not None:
            phase.samples.append(await one_scan(client, body, time.perf_counter()))

    await asyncio.gather(*(loop() for _ in range(clients)))
    phase.elapsed = time.perf_counter() - start
    return phase


# --- the report --------------------------------------------------------------------------------


def print_phase(phase: Phase) -> float:
    """Print one phase; returns its p99 in ms."""
    latencies = sorted(s.latency * 1000 for s in phase.samples)
    count = len(phase.samples) + phase.unfinished
    p = {q: percentile(latencies, q) for q in (50, 90, 99)}
    print(f"\n{phase.name}")
    print(
        f"  {count} scans sent, answered at {phase.answered_per_second:,.1f}/s over "
        f"{phase.elapsed:.2f} s; errors: {len(phase.errors)}"
    )
    if latencies:
        print(
            f"  latency ms: p50 {p[50]:.1f}  p90 {p[90]:.1f}  p99 {p[99]:.1f}  "
            f"max {latencies[-1]:.1f}  (a request with no answer counts the time it waited)"
        )
    if phase.max_send_lag > 0.001:
        print(f"  generator sent up to {phase.max_send_lag * 1000:.1f} ms late (counted)")
    for detail in list(dict.fromkeys(s.detail for s in phase.errors))[:3]:
        print(f"  error sample: {detail}")
    if phase.cpu:
        cpu = phase.cpu
        parts = " + ".join(f"{name} {cores:.2f}" for name, cores in cpu.parts.items())
        print(f"  CPU in cores: machine {cpu.machine:.2f} = {parts} + other {cpu.other:.2f}")
        if len(phase.worker_cores) > 1:
            total = sum(phase.worker_cores) or 1.0
            print(
                "  server CPU by worker process: "
                + " + ".join(f"{c:.2f}" for c in phase.worker_cores)
                + " cores ("
                + " / ".join(f"{c / total:.0%}" for c in phase.worker_cores)
                + "; each keep-alive connection stays with the worker that accepted it)"
            )
        if phase.recorded > len(phase.samples) - len(phase.errors):
            print(
                f"  the server stored {phase.recorded} scans in that time "
                f"({phase.recorded / phase.elapsed:.1f}/s), also for clients that had given up"
            )
        if answered := max(phase.answered_per_second, phase.recorded / phase.elapsed):
            per_scan = ", ".join(
                f"{name} {cores / answered * 1000:.1f} ms"
                for name, cores in phase.cpu.parts.items()
            )
            print(f"  CPU per scan: {per_scan}")
    if phase.sessions:
        doing = ", ".join(f"{v:.1f} {k}" for k, v in phase.sessions.items())
        print(f"  PostgreSQL sessions of the service, on average: {doing}")
    if phase.by_second and phase.samples:
        print("  latency ms by second (a slow start is warm-up, a slow second a stall):")
        print("    " + "  ".join(f"{s}s p50 {a:.0f}/p99 {b:.0f}" for s, a, b in by_second(phase)))
    return p[99]


def print_rates(phases: Sequence[Phase]) -> None:
    """The open-loop phases side by side, by rate: where the target holds on this host."""
    print(f"\nopen loop by rate (same run; target p99 under {TARGET_P99_MS:g} ms)")
    print("     rate   answered  p50 ms  p99 ms  seconds under target  busy cores  "
          "CPU per scan: server / PostgreSQL")  # fmt: skip
    for phase in sorted(phases, key=lambda p: p.rate):
        latencies = sorted(s.latency * 1000 for s in phase.samples)
        seconds = by_second(phase)
        under = sum(1 for _, _, p99 in seconds if p99 < TARGET_P99_MS)
        answered, cpu = phase.answered_per_second, phase.cpu
        busy = f"{cpu.machine:.2f}" if cpu else "-"
        per_scan = "-"
        if cpu and answered:
            server, database = (cpu.parts[k] / answered * 1000 for k in ("server", "PostgreSQL"))
            per_scan = f"{server:.1f} / {database:.1f} ms"
        print(
            f"  {phase.rate:>5g}/s {answered:>8.1f}/s {percentile(latencies, 50):>7.1f} "
            f"{percentile(latencies, 99):>7.1f}  {f'{under} of {len(seconds)}':>20}  "
            f"{busy:>10}  {per_scan}"
        )


def by_second(phase: Phase) -> list[tuple[int, float, float]]:
    """(second, p50, p99) of the requests due in each second of the phase."""
    start = min(s.due for s in phase.samples)
    seconds: dict[int, list[float]] = {}
    for sample in phase.samples:
        seconds.setdefault(int(sample.due - start), []).append(sample.latency * 1000)
    return [
        (second, percentile(sorted(v), 50), percentile(sorted(v), 99))
        for second, v in sorted(seconds.items())
    ]


# --- the run -----------------------------------------------------------------------------------


async def settle(server: Server, timeout: float = 30.0) -> None:
    """Wait until the server has finished the requests of the last phase (given up by the
    client but still running in its thread pool), so phases do not overlap."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        meter = CpuMeter({"server": server.pids})
        await asyncio.sleep(0.5)
        if meter.split().parts["server"] < 0.1:
            return


def _only(pid: int) -> PidSource:
    return lambda: [pid]


async def measure(
    server: Server, url: str, groups: dict[str, PidSource], run: Coroutine[Any, Any, Phase]
) -> Phase:
    """``run`` once the server is idle, with the CPU of each group and of each worker, the
    database sessions and the scans stored meanwhile."""
    await settle(server)
    workers = {str(pid): _only(pid) for pid in server.workers()}
    with SessionSampler(url) as sampler:
        meter, by_worker, before = CpuMeter(groups), CpuMeter(workers), stored_scans(url)
        phase = await run
        phase.cpu, phase.sessions = meter.split(), sampler.means()
        phase.worker_cores = list(by_worker.split().parts.values())
        phase.recorded = stored_scans(url) - before
    return phase


async def drive(
    server: Server, url: str, token: str, bodies: list[bytes], args: argparse.Namespace
) -> float:
    """Warm-up, open loop, back-to-back; returns the server's CPU ms per scan in the open loop."""
    database = make_url(url).database or ""
    warm_count, rate_count = warmup_scans(args), int(args.rate * args.seconds)
    warmup, measured = bodies[:warm_count], bodies[warm_count : warm_count + rate_count]
    rest = bodies[warm_count + rate_count :]
    burst, swept = rest[: args.burst_scans], rest[args.burst_scans :]
    groups: dict[str, PidSource] = {
        "generator": lambda: [os.getpid()],
        "server": server.pids,
        "PostgreSQL": lambda: database_backends(database),
    }
    client = LoopbackClient(server.host, server.port, token, args.connections)
    gc.disable()  # see quiet_collector
    try:
        warm = await open_loop(client, warmup, args.rate)
        warm.name = f"warm-up, open loop at {args.rate:g}/s (not counted: connections and "
        warm.name += "prepared statements of every worker are made here)"
        print_phase(warm)
        if warm.errors:
            raise RuntimeError("warm-up scans failed; see the error sample above")
        # Scans and crossings were empty when the seeding last analyzed them. With those
        # statistics the cached plans read both tables whole in every scan (the crossings of a
        # movement, the foreign-key check of a crossing's scan): a cost that grows with each
        # scan (PostgreSQL CPU per scan: 1.2 ms over 10 s at 500/s, 1.9 ms over 40 s).
        # Autovacuum, which this server runs without, analyzes a table after 50 changed rows;
        # so does this, once.
        analyze(url)
        loaded = await measure(server, url, groups, open_loop(client, measured, args.rate))
        name = f"back-to-back, {args.clients} concurrent clients"
        flat_out = await measure(
            server,
            url,
            groups,
            back_to_back(client, burst, args.clients, args.burst_seconds, name),
        )
        by_rate = [loaded]
        for rate in args.sweep:
            size = sweep_scans(args, rate)
            chunk, swept = swept[:size], swept[size:]
            by_rate.append(await measure(server, url, groups, open_loop(client, chunk, rate)))
    finally:
        client.close()
        gc.enable()
    p99 = print_phase(loaded)
    print_phase(flat_out)
    for phase in by_rate[1:]:
        print_phase(phase)
    if len(by_rate) > 1:
        print_rates(by_rate)
    achieved, max_rate = loaded.answered_per_second, flat_out.answered_per_second
    print("\nratios (same run)")
    print(f"  open-loop p99 / {TARGET_P99_MS:g} ms target: {p99 / TARGET_P99_MS:.2f}")
    print(f"  answered / requested rate: {achieved / args.rate:.2f}")
    print(f"  back-to-back scans/s / requested rate: {max_rate / args.rate:.2f}")
    if len(burst) <= len(flat_out.samples):
        print("  (back-to-back used all its prepared movements before its time was up)")
    assert loaded.cpu is not None
    return loaded.cpu.parts["server"] / achieved * 1000


def in_process(url: str, key_dir: Path, token: str, qr_texts: list[str], warm: int) -> float:
    """The same scans without HTTP: this process calls the scan service in its unit of work,
    one after another, as the route's thread does. Prints and returns the CPU per scan of this
    process; beside the server's CPU per scan in the same run it shows what the web server,
    the framework and the machine's contention add to the scan itself."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    signer, token_hash = Signer.at(key_dir), hash_token(token)
    database = make_url(url).database or ""
    data = [ScanIn(qr_text=q, office=OFFICE, direction=DIRECTION) for q in qr_texts]

    def scan_all(items: list[ScanIn]) -> None:
        for item in items:
            with unit_of_work(factory) as session:
                verdict = scans.scan(
                    session=session, token_hash=token_hash, signer=signer, data=item
                )
            if verdict.verdict != "valid":
                raise RuntimeError(f"in-process scan flagged: {verdict.reasons}")

    scan_all(data[:warm])  # connections and prepared statements, as the HTTP warm-up
    groups: dict[str, PidSource] = {
        "this process": lambda: [os.getpid()],
        "PostgreSQL": lambda: database_backends(database),
    }
    meter, started = CpuMeter(groups), time.perf_counter()
    scan_all(data[warm:])
    elapsed, cpu = time.perf_counter() - started, meter.split()
    # The last scans' events are chained by this process's sealer thread; let it finish before
    # the database is dropped under it (it would log a lost connection after the figures).
    sealer_for(factory).wait_until_sealed()
    engine.dispose()
    count = len(data) - warm
    per_scan = {name: cores * elapsed / count * 1000 for name, cores in cpu.parts.items()}
    print(f"\nin-process, one scan at a time, no HTTP ({count} scans after {warm} to warm up)")
    print(f"  {count / elapsed:,.1f} scans/s; CPU per scan: " + ", ".join(
        f"{name} {ms:.2f} ms" for name, ms in per_scan.items()))  # fmt: skip
    return per_scan["this process"]


def quiet_collector() -> None:
    """Keep this process's garbage collector out of the measured latency.

    Seeding through the services leaves this process with a large heap. A full collection of it
    paused the generator for 77-116 ms, several times a minute; during a phase, no scan was sent
    or read for that long, and the pause was counted as the server's latency. Frozen objects are
    skipped by later collections. The collector is also off during the phases (``drive``): what
    they allocate is freed when the run ends.
    """
    gc.collect()
    gc.freeze()


def warmup_scans(args: argparse.Namespace) -> int:
    return max(200, int(args.rate * args.warmup_seconds))


def sweep_scans(args: argparse.Namespace, rate: float) -> int:
    return int(rate * args.seconds)


def rates(text: str) -> list[float]:
    return [float(rate) for rate in text.split(",") if rate.strip()]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=500, help="open-loop scans per second")
    parser.add_argument("--seconds", type=float, default=10, help="open-loop duration")
    parser.add_argument(
        "--warmup-seconds", type=float, default=2, help="open loop at --rate before measuring"
    )
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_SERVER,
        help="any URL on the PostgreSQL server to use; a fresh database is created there",
    )
    parser.add_argument("--clients", type=int, default=16, help="back-to-back concurrency")
    parser.add_argument("--burst-seconds", type=float, default=5, help="back-to-back duration")
    parser.add_argument(
        "--burst-scans", type=int, default=1000, help="back-to-back: at most this many scans"
    )
    parser.add_argument("--connections", type=int, default=64, help="HTTP connection pool size")
    parser.add_argument(
        "--sweep",
        type=rates,
        default=[],
        metavar="RATE,...",
        help="after the back-to-back phase, an open loop at each of these rates too, then all "
        "open loops side by side: which rate meets the target on this host",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, terminate_as_exit)
    count = warmup_scans(args) + int(args.rate * args.seconds) + args.burst_scans
    count += sum(sweep_scans(args, rate) for rate in args.sweep)
    total = count + IN_PROCESS_WARMUP + IN_PROCESS_SCANS
    with (
        tempfile.TemporaryDirectory(prefix="bench-scans-") as tmp,
        fresh_database(args.database_url, "bench_scans") as url,
    ):
        database, key_dir = make_url(url).database or "", Path(tmp) / "keys"
        print(f"seeding {total} announced movements through the services ...", flush=True)
        started = time.perf_counter()
        token, qr_texts = seed(url, key_dir, total)
        quiet_collector()
        print(f"  done in {time.perf_counter() - started:.1f} s (database {database})")
        bodies = [scan_body(q) for q in qr_texts]
        alone = qr_texts[count:]
        with running_server(url, key_dir, args.workers, Path(tmp) / "server.log") as srv:
            print(f"server: {args.workers} uvicorn worker(s) on {srv.base_url}; load on loopback")
            server_ms = asyncio.run(drive(srv, url, token, bodies[:count], args))
        alone_ms = in_process(url, key_dir, token, alone, IN_PROCESS_WARMUP)
        print(
            f"  server CPU per scan under the open loop / in-process: "
            f"{server_ms / alone_ms:.2f} (same run)"
        )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # the server is stopped and the database dropped by then
        sys.exit(130)
