"""The short crash-consistency run: the app server SIGKILLed while it writes through the API
(docs/reliability.md, "Crash consistency"). On PostgreSQL it kills only the app server, on a
database of the test server; `python -m bench.crash` also kills a throwaway cluster."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]


def test_acknowledged_writes_survive_server_kills_and_the_ledger_verifies():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    url = env.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    run = subprocess.run(
        [sys.executable, "-m", "bench.crash", "--seconds", "8", "--kills", "3",
         "--no-database-kills"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert run.returncode == 0, run.stdout + run.stderr
    figures = {
        f["figure"]: f["value"]
        for f in (json.loads(line) for line in run.stdout.splitlines() if line.startswith("{"))
    }
    assert figures["crash.problems"] == 0
    assert figures["crash.server_kills"] == 3
    assert figures["crash.acknowledged_decisions"] > 0
    assert figures["crash.acknowledged_shares"] > 0
    assert "consistent: every acknowledged write present" in run.stdout
