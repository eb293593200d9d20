"""The screening benchmark runs end to end on a small batch (a smoke test, nothing timed): one
process and two give the same flags, which the benchmark asserts itself."""

from __future__ import annotations

import pytest

from bench import bench_screening


def test_benchmark_runs_with_one_and_two_processes(capsys: pytest.CaptureFixture[str]) -> None:
    bench_screening.main(["--declarations", "3000", "--notifications", "1000"])
    out = capsys.readouterr().out
    assert "1 process(es): parse+screen" in out and "2 process(es): parse+screen" in out
    assert "flags by rule (the same with 1 and 2 processes): S01 120," in out
