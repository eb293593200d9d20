"""The README's worked example (docs/basel-flow.sh) runs as written against a live server."""

import shutil
import subprocess
from pathlib import Path

from app.demo import DemoWorld

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "basel-flow.sh"


def test_worked_curl_example_reaches_consented(live_server: str, world: DemoWorld) -> None:
    assert shutil.which("curl"), "the worked example needs curl on PATH"
    run = subprocess.run(
        ["bash", str(SCRIPT), live_server], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "filed notification id 1"
    assert "consented" in lines
    assert lines[-2:] == ["notification.complete", "True"]
