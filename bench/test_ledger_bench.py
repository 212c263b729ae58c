"""The ledger benchmark runs and reports every figure as a JSON line (no timing asserted)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_ledger_bench_prints_one_json_line_per_figure():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run(
        [sys.executable, "-m", "bench.ledger", "--rows", "40"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert run.returncode == 0, run.stderr
    figures = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert [f["figure"] for f in figures] == ["ledger.append_rate", "ledger.verify_throughput"]
    for figure in figures:
        assert set(figure) == {"figure", "value", "unit", "baseline", "ratio"}
        assert figure["value"] > 0 and figure["baseline"] > 0
        assert figure["ratio"] == pytest.approx(figure["value"] / figure["baseline"], rel=1e-2)
    assert "safeshare ledger benchmark" in run.stdout


def test_ledger_bench_refuses_a_row_count_below_one():
    run = subprocess.run(
        [sys.executable, "-m", "bench.ledger", "--rows", "0"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert run.returncode == 2
    assert "--rows must be at least 1" in run.stderr
