"""Load: the main job mix under many users at once, over HTTP, against gunicorn.

    python -m bench.load [--users 50] [--minutes 10] [--quick]

Makes its own PostgreSQL database (``bench.common.own_database``; the server
``DATABASE_URL`` names, by default ``postgres://safeshare@127.0.0.1:54329``),
seeds a partnership (``bench.seed``, scale 0.001), starts gunicorn on a free
port of 127.0.0.1 with the benchmark settings, and runs locust headless
(``bench/locustfile.py``) for ``--minutes`` with ``--users`` simulated users,
then stops both by itself.

Each simulated user repeats one job, as a practitioner who is also their
agency's safeguarding lead (the sender) and a practitioner at another agency
(the recipient):

1. ``caseload``: the sender's caseload page (``GET /people/``);
2. ``request``: an information request about a child to the recipient's
   agency (``POST /api/v1/requests``);
3. ``aid_preview``: the decision aid's preview of the answers
   (``POST /api/v1/decisions/aid``);
4. ``decision``: the decision to share (``POST /api/v1/decisions``);
5. ``share``: the share under it, two items to the named recipient
   (``POST /api/v1/shares``);
6. ``recipient_view``: the share page, as its recipient, which records the
   view (``GET /exchange/shares/<id>/``).

Sign-in: the API steps carry a personal bearer token made with
``safeshare.api.auth.issue_token``; the page steps carry a session cookie
for a session verified with both factors, made as ``safeshare.demo.testing``
makes it (the password and TOTP steps are not under load). Each simulated
user has its own token and sessions.

Figures: throughput (requests per second) and each step's p50 and p95 in
milliseconds, the error count (target 0), and the resident memory (VmRSS)
of the gunicorn workers at start and end.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

from aiosmtpd.controller import Controller

from bench.common import Figure, environment_notes, own_database, report

DEFAULT_DATABASE_URL = "postgres://safeshare@127.0.0.1:54329/postgres"
TARGET_MS = 150.0  # the page target (bench.pages), used as each step's p95 baseline
STEPS = ("caseload", "request", "aid_preview", "decision", "share", "recipient_view")
TOKEN_LABEL = "load benchmark"
ANSWERS = {
    "purpose": "yes",
    "anonymised_suffices": "no",
    "identifies": "yes",
    "legal_requirement": "no",
    "level_of_need": "significant_harm",
    "confidential": "yes",
    "consent_safeguarding": "should_not_seek",
    "consent_not_sought_reason": "increased_risk_of_significant_harm",
    "public_interest": "yes",
}


@dataclass(frozen=True)
class Step:
    """One HTTP request of the job: ``who`` signs it with their token or session."""

    name: str
    method: str
    path: str
    who: str  # "sender" or "receiver"
    body: dict | None = None
    expect: int = 200

    @property
    def via_token(self) -> bool:
        return self.path.startswith("/api/")


def make_plan(seeded, users: int) -> dict:
    """What the simulated users need: for each, tokens and verified sessions for the
    sender and the recipient, and the children and agencies the job is about."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    from safeshare.api.auth import issue_token
    from safeshare.demo.testing import STAFF_BACKEND, totp_device
    from safeshare.people.models import Person
    from safeshare.web.sign_in import lifetime_start

    sender, receiver = seeded.sample["sender"], seeded.sample["receiver"]
    children = list(
        Person.objects.filter(involvements__agency=sender.agency, kind="child")
        .order_by("id")
        .values_list("id", flat=True)[:20]
    )

    def session_for(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = STAFF_BACKEND
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        lifetime_start(store)
        store.create()
        return store.session_key

    def token_for(user) -> str:
        return issue_token(user=user, label=TOKEN_LABEL, lifetime=datetime.timedelta(days=1))[1]

    slots = [
        {
            "sender": {"token": token_for(sender), "session": session_for(sender)},
            "receiver": {"token": token_for(receiver), "session": session_for(receiver)},
        }
        for _ in range(users)
    ]
    return {
        "children": [str(c) for c in children],
        "receiver_agency": str(receiver.agency.pk),
        "receiver_user": str(receiver.pk),
        "slots": slots,
    }


def job(plan: dict, n: int) -> Generator[Step, dict | None, None]:
    """The job's steps in order; each is sent the JSON answer of the one before
    (None for pages)."""
    child = plan["children"][n % len(plan["children"])]
    agency = plan["receiver_agency"]
    yield Step("caseload", "GET", "/people/", "sender")
    yield Step(
        "request",
        "POST",
        "/api/v1/requests",
        "sender",
        {
            "subject_id": child,
            "to_agency_id": agency,
            "purpose": f"To assess the child's safety at home (load {n})",
            "information_needed": "Attendance and any concerns raised this term",
            "legal_basis": "public_task",
            "urgency": "routine",
        },
        201,
    )
    yield Step("aid_preview", "POST", "/api/v1/decisions/aid", "sender", {"answers": ANSWERS})
    decision = yield Step(
        "decision",
        "POST",
        "/api/v1/decisions",
        "sender",
        {
            "subject": child,
            "answers": ANSWERS,
            "outcome": "share",
            "purpose": f"To protect the child from harm at home (load {n})",
            "rationale": "The risk is immediate and the family must not be alerted",
            "information_considered": "School attendance notes and the teacher's account",
            "lawful_basis": "public_task",
            "special_category_condition": "safeguarding_children_and_individuals_at_risk",
            "statutory_gateways": ["children_act_1989_s47"],
            "consent_state": "not_sought",
            "consent_not_sought_reason": "increased_risk_of_significant_harm",
            "safeguarding_reason": "reasonable_cause_significant_harm",
            "recipient_agencies": [agency],
        },
        201,
    )
    today = datetime.datetime.now(datetime.UTC)  # the client's clock, as a real client's
    share = yield Step(
        "share",
        "POST",
        "/api/v1/shares",
        "sender",
        {
            "decision_id": decision["id"],
            "kind": "disclosure",
            "access_until": (today + datetime.timedelta(days=30)).isoformat(),
            "items": [
                {
                    "category": "education",
                    "content": f"Attendance fell to 61% this term; note {n}.{i}",
                    "nature": "fact" if i else "opinion",
                    "source": "Class teacher",
                    "dated_on": (today.date() - datetime.timedelta(days=i + 1)).isoformat(),
                    "checked_accurate": True,
                }
                for i in range(2)
            ],
            "recipients": [{"agency_id": agency, "named_user_id": plan["receiver_user"]}],
        },
        201,
    )
    yield Step("recipient_view", "GET", f"/exchange/shares/{share['id']}/", "receiver")


# ---------------------------------------------------------------------------
# Running gunicorn and locust
# ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _workers(master: int) -> list[int]:
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


LOAD_SETTINGS = "bench.settings_load"


class MailSink:
    """An SMTP server's handler (aiosmtpd) that counts the messages and keeps none."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.received += 1
        return "250 Message accepted for delivery"


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


SAMPLE_SECONDS = 30


def _sample_rss(master: int, locust: subprocess.Popen, *, every: float) -> list[int]:
    """The workers' summed VmRSS (KiB) every `every` seconds until locust exits.

    A series, not just two points: a slow leak shows as a rising trend after the
    first minute's warm-up, which a start and an end figure alone can hide.
    """
    series = []
    while True:
        try:
            locust.wait(timeout=every)
        except subprocess.TimeoutExpired:
            series.append(sum(_rss_kib(p) for p in _workers(master)))
            continue
        return series


def _wait_for(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited before it answered")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz in time")


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


@dataclass(frozen=True)
class Row:
    name: str
    requests: int
    failures: int
    p50_ms: float
    p95_ms: float
    rps: float


def _read_stats(path: Path) -> list[Row]:
    rows = []
    with path.open(newline="") as f:
        for r in csv.DictReader(f):
            rows.append(
                Row(
                    r["Name"],
                    int(r["Request Count"]),
                    int(r["Failure Count"]),
                    float(r["50%"] or 0),
                    float(r["95%"] or 0),
                    float(r["Requests/s"] or 0),
                )
            )
    return rows


def run(users: int, minutes: float, workers: int) -> tuple[list[Figure], list[str]]:
    from bench.seed import seed

    seeded = seed(0.001)
    plan = make_plan(seeded, users)
    from django.db import connections

    connections.close_all()
    tmp = Path(tempfile.mkdtemp(prefix="safeshare-load-"))
    plan_file = tmp / "plan.json"
    plan_file.write_text(json.dumps(plan))
    port = _free_port()
    sink = MailSink()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per command
    mail_server = Controller(sink, hostname="127.0.0.1", port=_free_port())
    mail_server.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": LOAD_SETTINGS,
        "SAFESHARE_EMAIL_PORT": str(mail_server.port),
    }
    gunicorn = subprocess.Popen(
        [
            _bin("gunicorn"),
            "safeshare.config.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        env=env,
    )
    # The emails leave through the task queue, as in production: its worker runs beside.
    worker = subprocess.Popen(
        [_bin("safeshare"), "tasks", "work", "--no-reload", "--verbosity=0"], env=env
    )
    try:
        _wait_for(port, gunicorn)
        pids = _workers(gunicorn.pid)
        rss_start = sum(_rss_kib(p) for p in pids)
        started = time.perf_counter()
        locust = subprocess.Popen(
            [
                _bin("locust"),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(max(1, users // 10)),
                "-t",
                f"{int(minutes * 60)}s",
                "--host",
                f"http://127.0.0.1:{port}",
                f"--csv={tmp / 'load'}",
                "--only-summary",
                "--loglevel=WARNING",
                "--exit-code-on-error=0",
                "--stop-timeout=10",
            ],
            env={**env, "SAFESHARE_LOAD_PLAN": str(plan_file)},
        )
        rss_series = _sample_rss(gunicorn.pid, locust, every=SAMPLE_SECONDS)
        if locust.returncode != 0:
            raise SystemExit(f"locust exited with status {locust.returncode}")
        elapsed = time.perf_counter() - started
        pids_end = _workers(gunicorn.pid)
        rss_end = sum(_rss_kib(p) for p in pids_end)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        worker.send_signal(signal.SIGTERM)  # finishes the task in hand, then exits
        worker.wait(timeout=60)
        # Send what the run queued and the worker had not reached, so every email counts.
        subprocess.run(
            [_bin("safeshare"), "tasks", "work", "--batch", "--no-startup-delay", "--verbosity=0"],
            env=env,
            check=True,
            timeout=600,
        )
        mail_server.stop()
    rows = _read_stats(tmp / "load_stats.csv")
    total = next(r for r in rows if r.name == "Aggregated")
    steps = {r.name: r for r in rows if r.name != "Aggregated"}
    notes = [
        f"locust {users} users (spawn {max(1, users // 10)}/s) for {minutes:g} min "
        f"({elapsed:.0f} s with start and stop); gunicorn {workers} sync workers "
        f"on 127.0.0.1; seed scale 0.001",
        f"{'step':<16} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8}",
    ]
    for name in STEPS:
        r = steps.get(name, Row(name, 0, 0, 0, 0, 0))
        notes.append(
            f"{name:<16} {r.requests:>9,} {r.failures:>7} {r.p50_ms:>8.0f} {r.p95_ms:>8.0f}"
        )
    notes.extend(
        [
            f"worker RSS (sum of {len(pids)} workers): {rss_start / 1024:.0f} MiB at start, "
            f"{rss_end / 1024:.0f} MiB at end ({len(pids_end)} workers at end)",
            f"emails sent over SMTP to the benchmark's sink: {sink.received:,}",
            f"worker RSS every {SAMPLE_SECONDS} s (MiB): "
            + " ".join(f"{kib / 1024:.0f}" for kib in rss_series),
        ]
    )
    jobs = steps.get("recipient_view", Row("", 0, 0, 0, 0, 0)).requests
    figures = [
        Figure("load.throughput", total.rps, "req/s", 0, f"{total.requests:,} requests"),
        Figure("load.jobs_per_minute", jobs / minutes, "jobs/min", 0, "complete jobs"),
        Figure("load.errors", total.failures, "count", 0, "target 0"),
        *(
            Figure(
                f"load.{name}.p95",
                steps[name].p95_ms,
                "ms",
                TARGET_MS,
                f"p50 {steps[name].p50_ms:.0f} ms; baseline is the {TARGET_MS:.0f} ms target",
            )
            for name in STEPS
            if name in steps
        ),
        Figure("load.rss_start", rss_start / 1024, "MiB", 0, "gunicorn workers, summed"),
        Figure("load.rss_end", rss_end / 1024, "MiB", rss_start / 1024, "against start"),
    ]
    return figures, notes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--users", type=int, default=50, help="simulated users")
    parser.add_argument("--minutes", type=float, default=10, help="length of the run")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--quick", action="store_true", help="10 users for 1 minute")
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.minutes = 10, 1
    if not 1 <= args.users <= 500:
        parser.error("--users must be from 1 to 500")
    if not 0 < args.minutes <= 60:
        parser.error("--minutes must be above 0 and at most 60")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = DEFAULT_DATABASE_URL
    with own_database():
        from bench.common import setup_django

        setup_django()
        figures, notes = run(args.users, args.minutes, args.workers)
        report("safeshare load benchmark", figures, [*environment_notes(), *notes])


if __name__ == "__main__":
    main(sys.argv[1:])
