"""The ``baseltrack`` command: serve, migrate, demo data, audit check, scheduled jobs."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import get_settings
from app.core.db import make_engine, make_session_factory, unit_of_work
from app.core.migrate import upgrade

cli = typer.Typer(
    help="BaselTrack: electronic manifests for transboundary movements of waste.",
    no_args_is_help=True,
)
audit_cli = typer.Typer(help="The audit trail.", no_args_is_help=True)
cli.add_typer(audit_cli, name="audit")


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


def main() -> None:
    cli()
