"""Appends from several threads and processes at once leave one unbroken chain."""

import os
import subprocess
import sys
import threading
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Entry
from safeshare.ledger.services import ledger_append
from safeshare.ledger.verify import verify_chain

pytestmark = pytest.mark.django_db(transaction=True)

THREADS, PER_THREAD = 4, 25
PROCESSES, PER_PROCESS = 3, 30
WORKER = "safeshare.ledger.tests.append_worker"
REPO = Path(__file__).resolve().parents[3]


def assert_one_unbroken_chain(expected: int, per_actor: dict[str, int]) -> None:
    result = verify_chain(checkpoint=None)
    assert result.ok, str(result)
    assert result.entries == expected
    seqs = list(Entry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, expected + 1))
    assert Counter(Entry.objects.values_list("actor_ref", flat=True)) == per_actor


def test_appends_from_several_threads_leave_one_chain():
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            start.wait()
            for n in range(PER_THREAD):
                # Half the appends join a caller's transaction, half run in their own.
                with transaction.atomic() if n % 2 else nullcontext():
                    ledger_append(
                        kind=EntryKind.PERSON_UPDATED,
                        actor_ref=f"system:thread-{worker}",
                        agency_ref=None,
                        subject_ref=None,
                        payload={"worker": worker, "n": n},
                    )
        except BaseException as error:  # reported to the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert_one_unbroken_chain(
        THREADS * PER_THREAD, {f"system:thread-{w}": PER_THREAD for w in range(THREADS)}
    )


def test_a_second_writer_waits_for_the_first_to_commit():
    """The lock is taken before the head is read and held until commit."""
    first_appended, second_started, second_done = (threading.Event() for _ in range(3))
    order: list[str] = []

    def second() -> None:
        try:
            second_started.set()
            with transaction.atomic():
                ledger_append(
                    kind=EntryKind.PERSON_UPDATED,
                    actor_ref="system:second",
                    agency_ref=None,
                    subject_ref=None,
                    payload={},
                )
            order.append("second committed")
        finally:
            connections.close_all()
            second_done.set()

    with transaction.atomic():
        ledger_append(
            kind=EntryKind.PERSON_UPDATED,
            actor_ref="system:first",
            agency_ref=None,
            subject_ref=None,
            payload={},
        )
        first_appended.set()
        thread = threading.Thread(target=second)
        thread.start()
        second_started.wait(10)
        assert not second_done.wait(0.5)  # blocked behind our open transaction
        order.append("first committing")
    thread.join(30)

    assert order == ["first committing", "second committed"]
    assert list(Entry.objects.values_list("actor_ref", flat=True)) == [
        "system:first",
        "system:second",
    ]
    assert verify_chain(checkpoint=None).ok


def _database_url() -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    if connection.vendor == "postgresql":
        host = params.get("HOST") or "127.0.0.1"
        port = params.get("PORT") or 5432
        password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
        return f"postgres://{params['USER']}{password}@{host}:{port}/{params['NAME']}"
    raise NotImplementedError(connection.vendor)


def test_appends_from_several_processes_leave_one_chain():
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db(), "the SQLite test database must be a file"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE")
        or settings.SETTINGS_MODULE,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", WORKER, str(w), str(PER_PROCESS)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(PROCESSES)
    ]
    try:
        for worker in workers:
            assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
        for worker in workers:  # start together
            worker.stdin.write("go\n")
            worker.stdin.flush()
        outcomes = [worker.communicate(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    for worker, (out, err) in zip(workers, outcomes, strict=True):
        assert worker.returncode == 0, err
        assert out.strip() == "done"

    assert_one_unbroken_chain(
        PROCESSES * PER_PROCESS,
        {f"system:worker-{w}": PER_PROCESS for w in range(PROCESSES)},
    )
