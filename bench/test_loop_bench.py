"""The main-loop benchmark runs and reports its figure as a JSON line (no timing asserted)."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_bench(*args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    url = env.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        # The bench creates its own database from the server's maintenance database;
        # the database named for the tests may not exist outside pytest-django.
        env["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    return subprocess.run(
        [sys.executable, "-m", "bench.loop", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_loop_bench_prints_its_figure_as_one_json_line():
    run = run_bench("--n", "6")

    assert run.returncode == 0, run.stderr
    figures = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert [f["figure"] for f in figures] == ["loop.decision_share_rate"]
    (figure,) = figures
    assert set(figure) == {"figure", "value", "unit", "baseline", "ratio"}
    assert figure["unit"] == "operations/s"
    assert figure["value"] > 0 and figure["baseline"] > 0
    assert isinstance(figure["ratio"], float) and figure["ratio"] > 0
    assert figure["ratio"] == pytest.approx(figure["value"] / figure["baseline"], rel=1e-2)
    assert "safeshare main loop benchmark" in run.stdout
    assert "6 operations and 6 baseline copies" in run.stdout


def test_loop_bench_refuses_fewer_than_one_operation():
    run = run_bench("--n", "0", timeout=60)

    assert run.returncode == 2
    assert "--n must be at least 1" in run.stderr
