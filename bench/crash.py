"""Crash consistency: SIGKILL the app server (and the database) while it writes.

    python -m bench.crash [--seconds N] [--kills K] [--seed S] [--no-database-kills]

Runs on its own database: SQLite (WAL, as the settings configure it) in a
temporary directory, or, when ``DATABASE_URL`` names PostgreSQL, a throwaway
cluster of its own (``initdb`` in a temporary ``PGDATA``, its own port, started
the way ``scripts/pg-start`` starts the shared one) so that its postmaster can be
killed and restarted. With ``--no-database-kills`` on PostgreSQL it uses a new
database on the ``DATABASE_URL`` server instead and kills only the app server
(the short version the test suite runs).

It migrates, sets up a partnership through the services (``bench.loop``: two
agencies, a practitioner in each, a child) and a bearer token, starts gunicorn on
127.0.0.1 with a free port, and drives the API from a few client threads: each
records a decision to share (``POST /api/v1/decisions``) and then its share
(``POST /api/v1/shares``), and notes the id of every write answered 2xx. At K
moments drawn from a seeded random generator it SIGKILLs the server's whole
process group, or the database cluster's processes, or both, restarts them and
goes on. At the end it checks:

1. every acknowledged decision and share is in the database;
2. no partial decision: every decision has its ``decision.recorded`` entry;
3. no orphan share: every share has items, recipients and its ``share.sent``
   entry (the receipt's seq holds that kind of entry naming that share);
4. ``safeshare ledger verify --records`` exits 0.

Exit status 0 when all four hold, 1 otherwise; figures as in ``bench.common``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import BENCH_SETTINGS, Figure, environment_notes, own_database, report

REPO = Path(__file__).resolve().parents[1]
READY_TIMEOUT = 60.0
REQUEST_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------
# The database: a throwaway PostgreSQL cluster that can be killed
# ---------------------------------------------------------------------------


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    if not found:
        raise SystemExit("PostgreSQL binaries not found; run scripts/pg-start once first")
    return found[-1].parent


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (the postmaster's backends and workers)."""
    result = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            result.append(int(stat.parent.name))
    return result


class Cluster:
    """A PostgreSQL cluster in its own PGDATA on its own port, owned by this run."""

    def __init__(self, directory: Path) -> None:
        self.bin = _pg_bin()
        self.pgdata = directory / "pgdata"
        self.port = free_port()
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        self.process: subprocess.Popen | None = None

    def _pg(self, *args: str) -> None:
        subprocess.run([*self.run_as, *args], check=True, stdout=subprocess.DEVNULL)

    def init(self) -> None:
        self.pgdata.mkdir(parents=True)
        if self.run_as:
            shutil.chown(self.pgdata.parent, "postgres", "postgres")
            shutil.chown(self.pgdata, "postgres", "postgres")
        self._pg(
            str(self.bin / "initdb"), "-D", str(self.pgdata), "-U", "safeshare",
            "--auth=trust", "-E", "UTF8",
        )  # fmt: skip

    def start(self) -> None:
        """Start the postmaster as a child of this run (through ``runuser`` as root), so
        that when it is killed it is reaped here and leaves no live-looking lock file.
        fsync stays on (the default): the crash test is about durability."""
        log = (self.pgdata.parent / "postgres.log").open("ab")
        self.process = subprocess.Popen(
            [*self.run_as, str(self.bin / "postgres"), "-D", str(self.pgdata),
             "-p", str(self.port), "-k", "/tmp", "-c", "listen_addresses=127.0.0.1"],
            stdout=log, stderr=log,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited; see {self.pgdata.parent}/postgres.log")
            ready = subprocess.run(
                [str(self.bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                check=False,
            )
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("postgres did not accept connections in time")

    def kill(self) -> None:
        """SIGKILL the postmaster and every process it started, as a crash would."""
        pid = int((self.pgdata / "postmaster.pid").read_text().split()[0])
        victims = (pid, *_children(pid))
        for victim in victims:
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=30)  # runuser (or we) reap the postmaster
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in victims):
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()

    @property
    def url(self) -> str:
        return f"postgres://safeshare@127.0.0.1:{self.port}/safeshare_crash"


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (init reaps orphans late)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("State:"):
                return "zombie" not in line
    except OSError:
        return False
    return False


@contextmanager
def own_cluster() -> Iterator[Cluster]:
    directory = Path(tempfile.mkdtemp(prefix="safeshare-crash-pg-"))
    cluster = Cluster(directory)
    try:
        cluster.init()
        cluster.start()
        import psycopg

        admin = cluster.url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute("CREATE DATABASE safeshare_crash")
        previous = os.environ.get("DATABASE_URL")
        os.environ["DATABASE_URL"] = cluster.url
        try:
            yield cluster
        finally:
            from django.db import connections

            connections.close_all()
            os.environ["DATABASE_URL"] = previous or ""
    finally:
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


# ---------------------------------------------------------------------------
# The app server
# ---------------------------------------------------------------------------


class Server:
    """gunicorn in its own process group (master and workers die together)."""

    def __init__(self, port: int, token: str, log: Path) -> None:
        self.port, self.token, self.log = port, token, log
        self.process: subprocess.Popen | None = None

    def start(self) -> float:
        began = time.monotonic()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS, "PYTHONPATH": str(REPO)}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "safeshare.config.wsgi:application",
                    "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
                    "--timeout", "30", "--log-level", "warning",
                ],
                cwd=REPO, env=env, stdout=log, stderr=log, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            if self.answers():
                return time.monotonic() - began
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {READY_TIMEOUT:.0f} s")

    def answers(self) -> bool:
        """True when an authenticated read that touches the database answers 200."""
        try:
            status, _ = request(self.port, self.token, "GET", "/api/v1/decisions/departures")
        except (OSError, http.client.HTTPException):
            return False
        return status == 200

    def kill(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        # Workers are reaped by init once the master is gone; wait for the group to empty.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.02)
        self.process = None


def request(port: int, token: str, method: str, path: str, body: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        headers = {"Authorization": f"Bearer {token}", "Host": "127.0.0.1"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# ---------------------------------------------------------------------------
# The writers
# ---------------------------------------------------------------------------


@dataclass
class Tally:
    decisions: list[str] = field(default_factory=list)
    shares: list[str] = field(default_factory=list)
    failed: int = 0  # no answer, or not 2xx: not acknowledged
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def bodies(partnership, n: int) -> tuple[dict, dict]:
    """The API bodies for one decision to share and its share (as ``bench.loop``'s)."""
    from bench.loop import operation_inputs

    decision, share = operation_inputs(partnership, n)
    draft = decision["draft"]
    # The draft's fields that were given (a default left out, as the API takes it).
    decision_body = {
        f.name: value
        for f in dataclasses.fields(draft)
        if (value := getattr(draft, f.name)) != f.default
    }
    decision_body["subject"] = str(partnership.child.id)
    decision_body["recipient_agencies"] = [str(a.id) for a in draft.recipient_agencies]
    share_body = {
        "kind": str(share["kind"]),
        "access_until": share["access_until"].isoformat(),
        "items": [
            {
                "category": str(item.category),
                "content": item.content,
                "nature": str(item.nature),
                "source": item.source,
                "dated_on": item.dated_on.isoformat(),
                "checked_accurate": item.checked_accurate,
            }
            for item in share["items"]
        ],
        "recipients": [
            {"agency_id": str(r.agency.id), "named_user_id": str(r.named_user.id)}
            for r in share["recipients"]
        ],
    }
    return decision_body, share_body


def writer(port, token, template, tally: Tally, stop: threading.Event, number: int) -> None:
    decision_body, share_body = template
    n = 0
    while not stop.is_set():
        n += 1
        body = {**decision_body, "purpose": f"To protect the child from harm ({number}.{n})"}
        decision_id = _post(port, token, "/api/v1/decisions", body, tally, tally.decisions)
        if decision_id is None:
            time.sleep(0.05)
            continue
        body = {**share_body, "decision_id": decision_id}
        if _post(port, token, "/api/v1/shares", body, tally, tally.shares) is None:
            time.sleep(0.05)


def _post(port, token, path, body, tally: Tally, acknowledged: list[str]) -> str | None:
    try:
        status, content = request(port, token, "POST", path, body)
    except (OSError, http.client.HTTPException):  # refused, reset, cut short: no answer
        with tally.lock:
            tally.failed += 1
        return None
    with tally.lock:
        tally.statuses[status] = tally.statuses.get(status, 0) + 1
        if 200 <= status < 300:
            identifier = json.loads(content)["id"]
            acknowledged.append(identifier)
            return identifier
        tally.failed += 1
    return None


# ---------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------


def check(tally: Tally) -> tuple[list[str], dict[str, int]]:
    """Problems found (empty when consistent) and the counts in the database."""
    from django.db import connections
    from django.db.models import Count

    from safeshare.decisions.models import Decision
    from safeshare.exchange.models import Share
    from safeshare.ledger.kinds import EntryKind
    from safeshare.ledger.models import Entry

    connections.close_all()  # the connection may predate a database restart
    problems = []
    decision_ids = {str(pk) for pk in Decision.objects.values_list("pk", flat=True)}
    missing = set(tally.decisions) - decision_ids
    if missing:
        problems.append(f"{len(missing)} acknowledged decisions are missing: {sorted(missing)[:3]}")
    shares = {
        str(s["pk"]): s
        for s in Share.objects.annotate(
            n_items=Count("items", distinct=True), n_recipients=Count("recipients", distinct=True)
        ).values("pk", "n_items", "n_recipients", "sent_entry_seq")
    }
    missing = set(tally.shares) - set(shares)
    if missing:
        problems.append(f"{len(missing)} acknowledged shares are missing: {sorted(missing)[:3]}")

    recorded = {
        e["payload"].get("decision")
        for e in Entry.objects.filter(kind=EntryKind.DECISION_RECORDED).values("payload")
    }
    partial = decision_ids - recorded
    if partial:
        problems.append(f"{len(partial)} decisions have no ledger entry: {sorted(partial)[:3]}")

    sent = {
        e["seq"]: e["payload"].get("share")
        for e in Entry.objects.filter(kind=EntryKind.SHARE_SENT).values("seq", "payload")
    }
    orphans = [
        pk
        for pk, s in shares.items()
        if not s["n_items"] or not s["n_recipients"] or sent.get(s["sent_entry_seq"]) != pk
    ]
    if orphans:
        problems.append(f"{len(orphans)} orphan shares: {sorted(orphans)[:3]}")

    verify = subprocess.run(
        [sys.executable, "-m", "safeshare", "ledger", "verify", "--records"],
        cwd=REPO,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )
    if verify.returncode != 0:
        problems.append(f"ledger verify --records failed: {verify.stderr.strip()[-500:]}")
    counts = {
        "decisions": len(decision_ids),
        "shares": len(shares),
        "entries": Entry.objects.count(),
    }
    return problems, counts


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------


def drive(
    *, seconds: float, kills: int, seed: int, cluster: Cluster | None, clients: int, log: Path
):
    """Set up, write under kills, and check. Returns (figures, notes, problems)."""
    from django.core.management import call_command
    from django.db import connections

    from bench.loop import build_partnership
    from safeshare.api.auth import issue_token

    call_command("migrate", verbosity=0, interactive=False)
    partnership = build_partnership()
    _, token = issue_token(
        user=partnership.sender, label="crash test", lifetime=datetime.timedelta(days=1)
    )
    template = bodies(partnership, 0)
    notes = environment_notes()
    connections.close_all()

    rng = random.Random(seed)
    moments = sorted(rng.uniform(0.05 * seconds, 0.95 * seconds) for _ in range(kills))
    server = Server(free_port(), token, log)
    server.start()
    tally, stop = Tally(), threading.Event()
    threads = [
        threading.Thread(target=writer, args=(server.port, token, template, tally, stop, i))
        for i in range(clients)
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    killed = {"server": 0, "database": 0}
    recoveries = []
    try:
        for moment in moments:
            time.sleep(max(0.0, began + moment - time.monotonic()))
            target = rng.choice(("server", "database", "both")) if cluster else "server"
            crashed = time.monotonic()
            if target in ("database", "both"):
                cluster.kill()
                killed["database"] += 1
            if target in ("server", "both"):
                server.kill()
                killed["server"] += 1
            if target in ("database", "both"):
                cluster.start()
            if server.process is None:
                server.start()
            while not server.answers():
                time.sleep(0.05)
            recoveries.append((target, time.monotonic() - crashed))
        time.sleep(max(0.0, began + seconds - time.monotonic()))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        server.kill()
    elapsed = time.monotonic() - began

    problems, counts = check(tally)
    figures = [
        Figure("crash.acknowledged_decisions", len(tally.decisions), "writes", 0),
        Figure("crash.acknowledged_shares", len(tally.shares), "writes", 0),
        Figure("crash.server_kills", killed["server"], "SIGKILLs", 0),
        Figure("crash.database_kills", killed["database"], "SIGKILLs", 0),
        Figure("crash.unacknowledged_requests", tally.failed, "requests", 0),
        Figure(
            "crash.recovery_max_ms",
            1000 * max((seconds for _, seconds in recoveries), default=0.0),
            "ms",
            0,
            "longest time from a kill until the API answered again",
        ),
        Figure("crash.problems", len(problems), "problems", 0, "must be 0"),
    ]
    notes += [
        f"{elapsed:.0f} s of writing from {clients} clients, seed {seed}, "
        f"kills at {', '.join(f'{m:.1f}' for m in moments)} s",
        f"in the database: {counts['decisions']} decisions, {counts['shares']} shares, "
        f"{counts['entries']} ledger entries; "
        f"{counts['decisions'] - len(tally.decisions)} decisions committed but not acknowledged",
        f"HTTP statuses: {dict(sorted(tally.statuses.items()))}",
        "kills (target, seconds until the API answered again): "
        + ", ".join(f"{target} {seconds:.1f}" for target, seconds in recoveries),
        *(f"PROBLEM: {p}" for p in problems),
        "consistent: every acknowledged write present, no partial decision, no orphan "
        "share, ledger verify --records passes"
        if not problems
        else "INCONSISTENT",
    ]
    return figures, notes, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crash", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="time spent writing")
    parser.add_argument("--kills", type=int, default=10, help="SIGKILLs during that time")
    parser.add_argument("--seed", type=int, default=6, help="seed for the kill moments")
    parser.add_argument("--clients", type=int, default=3, help="writer threads")
    parser.add_argument(
        "--no-database-kills",
        action="store_true",
        help="PostgreSQL: kill only the app server, on a database of the DATABASE_URL server",
    )
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.kills < 0 or args.clients < 1:
        parser.error("--seconds must be positive, --kills at least 0, --clients at least 1")
    os.environ["DJANGO_SETTINGS_MODULE"] = BENCH_SETTINGS
    url = os.environ.get("DATABASE_URL", "")
    postgres = url.startswith(("postgres://", "postgresql://"))
    log = Path(tempfile.mkdtemp(prefix="safeshare-crash-")) / "gunicorn.log"
    if postgres and not args.no_database_kills:
        database = own_cluster()
    else:
        database = own_database()
    with database as handle:
        import django

        django.setup()
        figures, notes, problems = drive(
            seconds=args.seconds,
            kills=args.kills,
            seed=args.seed,
            cluster=handle if isinstance(handle, Cluster) else None,
            clients=args.clients,
            log=log,
        )
        report("safeshare crash consistency", figures, notes)
    if problems:
        print(f"server log: {log}", file=sys.stderr)
        return 1
    shutil.rmtree(log.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
