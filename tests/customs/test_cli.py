"""`baseltrack screen FILE`: a declarations file is streamed, stored once, screened, summarised."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi import FastAPI
from typer.testing import CliRunner

from app.cli import cli
from app.core.config import get_settings
from tests.customs_adapters.test_formats import csv_bytes, csv_row


def _run(app: FastAPI, *args: str) -> tuple[int, str]:
    get_settings.cache_clear()
    result = CliRunner().invoke(
        cli, list(args), env={"BASELTRACK_DATABASE_URL": app.state.settings.database_url}
    )
    get_settings.cache_clear()
    return result.exit_code, result.output


def test_screen_a_csv_file_twice(app: FastAPI, tmp_path: Path) -> None:
    rows = [csv_row(declaration_id=f"D{i}") for i in range(25)]
    rows.append(csv_row(declaration_id="BAD", net_mass_kg="-1"))
    path = tmp_path / "declarations.csv"
    path.write_bytes(csv_bytes(rows))
    code, output = _run(app, "screen", str(path), "--format", "csv", "--chunk", "10")
    assert code == 0, output
    summary = json.loads(output[output.index("{") :])
    assert summary["received"] == 25 and summary["errors"] == 1 and summary["duplicates"] == 0
    assert summary["flagged"] == 25  # DE-2025-0001 is not a notification known here
    assert summary["flags_by_rule"]["S02"] == 25
    assert "net_mass_kg" in summary["first_errors"][0]
    code, output = _run(app, "screen", str(path), "--format", "csv")
    again = json.loads(output[output.index("{") :])
    assert again["duplicates"] == 25 and again["flagged"] == 0


def test_unknown_format_is_a_clear_error(app: FastAPI, tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("hello")
    code, output = _run(app, "screen", str(path), "--format", "pdf")
    assert code != 0 and "format must be one of" in output


def test_screen_runs_in_a_fresh_interpreter(app: FastAPI, tmp_path: Path) -> None:
    """As a user runs it: nothing imported beforehand (the tests above run inside a process
    where the test app has imported every model already)."""
    path = tmp_path / "declarations.csv"
    path.write_bytes(
        csv_bytes([csv_row(declaration_id="FRESH-1"), csv_row(declaration_id="X", hs_code="1")])
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from app.cli import main; main()",
            "screen",
            str(path),
            "--format",
            "csv",
        ],
        env={**os.environ, "BASELTRACK_DATABASE_URL": app.state.settings.database_url},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    assert summary["received"] == 1 and summary["errors"] == 1
    assert summary["first_errors"][0].startswith("3: hs_code")
