"""The ``baseltrack`` command: serve, migrate, demo data, audit check, scheduled jobs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import get_settings
from app.core.db import make_engine, make_session_factory, unit_of_work
from app.core.migrate import upgrade
from manifests.keys import KeyStore

cli = typer.Typer(
    help="BaselTrack: electronic manifests for transboundary movements of waste.",
    no_args_is_help=True,
)
audit_cli = typer.Typer(help="The audit trail.", no_args_is_help=True)
cli.add_typer(audit_cli, name="audit")
keys_cli = typer.Typer(help="Signing keys of the issuing authorities.", no_args_is_help=True)
cli.add_typer(keys_cli, name="keys")


def _factory() -> sessionmaker[Session]:
    return make_session_factory(make_engine(get_settings().database_url))


@cli.command()
def migrate() -> None:
    """Bring the database schema to the latest migration."""
    upgrade(get_settings().database_url)
    typer.echo("database migrated")


@cli.command()
def demo() -> None:
    """Load the demo authorities, organisations and accounts (once) and print their tokens."""
    from app.demo import demo_loaded, demo_tokens, load_demo

    upgrade(get_settings().database_url)
    with unit_of_work(_factory()) as session:
        if not demo_loaded(session):
            load_demo(session)
    typer.echo("Demo accounts (Authorization: Bearer <token>):")
    for name, token in demo_tokens().items():
        typer.echo(f"  {name:<14} {token}")


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Migrate, load demo data (unless BASELTRACK_DEMO_DATA=false) and run the HTTP service."""
    import uvicorn

    settings = get_settings()
    if settings.demo_data:
        demo()
    else:
        migrate()
    host, port = host or settings.host, port or settings.port
    typer.echo(f"BaselTrack on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        # longer than clients' and load balancers' idle timeouts: the server must not close a
        # kept-alive connection just as a client reuses it (seen as ReadError under load)
        timeout_keep_alive=75,
    )


@cli.command()
def deadlines() -> None:
    """Apply tacit consents and expiries that fell due today (run daily)."""
    from app.consents.service import apply_due

    with unit_of_work(_factory()) as session:
        report = apply_due(session=session)
    typer.echo(json.dumps(report.__dict__, indent=2))


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check the hash chain of the audit trail; exit 1 if an event was edited or removed."""
    from app.audit.service import verify

    with unit_of_work(_factory()) as session:
        report = verify(session=session)
    typer.echo(json.dumps(report.as_dict(), indent=2))
    raise typer.Exit(0 if report.intact else 1)


def _store() -> KeyStore:
    return KeyStore(get_settings().key_dir)


@keys_cli.command("list")
def keys_list() -> None:
    """Print the key set (kid, issuer, country, validity, status)."""
    typer.echo(_store().keyset().to_json())


@keys_cli.command("rotate")
def keys_rotate(
    issuer: Annotated[str, typer.Argument(help="Authority code, e.g. MY-DOE")],
    country: Annotated[str | None, typer.Option(help="Country, for an issuer's first key")] = None,
) -> None:
    """New active key for an issuer; the old one is retired (its documents verify until expiry)."""
    from manifests.errors import KeyStoreError

    store = _store()
    try:
        key = store.rotate(issuer)
    except KeyStoreError:
        if not country:
            raise typer.BadParameter(f"{issuer} has no key yet: give --country") from None
        key = store.issue(issuer, country)
    typer.echo(f"{issuer}: new active key {key.kid.hex()}")


@keys_cli.command("revoke")
def keys_revoke(kid: Annotated[str, typer.Argument(help="Key id (hex)")]) -> None:
    """Revoke a key: nothing it signed verifies any more."""
    entry = _store().revoke(kid)
    typer.echo(f"revoked {entry.kid.hex()} of {entry.issuer}")


@cli.command()
def verify(
    path_or_text: Annotated[str, typer.Argument(help="A PNG/JPEG photo, a PDF, or the BT1: text")],
    keyset: Annotated[
        Path | None, typer.Option(help="Cached key set JSON (default: the key folder's)")
    ] = None,
    revocations: Annotated[Path | None, typer.Option(help="Cached revocation list JSON")] = None,
) -> None:
    """Verify a document offline; print a JSON verdict; exit 0 only if authentic and unexpired."""
    from manifests.scan import verify_command

    code, verdict = verify_command(
        path_or_text, keyset or get_settings().key_dir / "keyset.json", revocations
    )
    typer.echo(json.dumps(verdict, indent=2, default=str))
    raise typer.Exit(code)


@cli.command()
def worker(
    once: Annotated[bool, typer.Option(help="Deliver what is due now, then stop")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between rounds")] = 2.0,
) -> None:
    """Deliver the outbox: consent data to customs, events to webhooks (retries, parking).
    Each round also chains audit events a stopped server process left staged."""
    import time

    import httpx

    from app.audit.service import seal
    from app.outbox.delivery import make_deliver
    from app.outbox.service import run_once

    settings, factory = get_settings(), _factory()
    with httpx.Client() as client:
        deliver = make_deliver(settings, client)
        while True:
            seal(factory)
            report = run_once(factory=factory, deliver=deliver, settings=settings)
            if report.delivered or report.retried or report.parked:
                typer.echo(
                    f"delivered {report.delivered}, to retry {report.retried}, "
                    f"parked {report.parked}"
                )
            for error in report.errors:
                typer.echo(f"  parked {error}", err=True)
            if once:
                return
            time.sleep(interval)


@cli.command()
def screen(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Declarations file")],
    format: Annotated[str, typer.Option(help="csv | xml (ASYCUDA SAD) | json (NDJSON) | wco-json")],
    country: Annotated[str | None, typer.Option(help="Office country (XML lacks it)")] = None,
    chunk: Annotated[int, typer.Option(help="Declarations per transaction")] = 500,
) -> None:
    """Stream a declarations file: store each once, screen it, keep flags; print a summary."""
    from app.customs.screen_file import screen_file

    summary = screen_file(file, fmt=format, country=country, factory=_factory(), chunk=chunk)
    typer.echo(json.dumps(summary, indent=2))


def main() -> None:
    cli()
