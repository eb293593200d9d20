"""The README's worked example (docs/basel-flow.sh) runs as written against a live server."""

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

from app.demo import DemoWorld

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "basel-flow.sh"


def test_worked_curl_example_goes_from_filing_to_the_certificate(
    live_server: str, world: DemoWorld, tmp_path: Path
) -> None:
    assert shutil.which("curl"), "the worked example needs curl on PATH"
    run = subprocess.run(
        ["bash", str(SCRIPT), live_server],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "filed notification id 1"
    consented = lines.index("consented")
    # the shipment: document, prior notice, carrier, two border scans, receipt, certificate
    assert lines[consented + 2 :] == [
        f"MY-{date.today().year}-000001/1",  # the first shipment of the notification
        "announced",
        "in_transit",
        "valid",
        "valid",
        "received",
        "completed",
        "notification.complete",
        "True",
    ]
    assert (tmp_path / "movement-1.pdf").read_bytes().startswith(b"%PDF")
