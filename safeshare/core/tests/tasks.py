"""Work the django-tasks database queue inside a test, in the test's own transaction.

The test settings keep the real database backend, so a task a test's commit
queued is a row until the test runs it here: with the worker of
`safeshare tasks work`, in-process, until no task is ready (a task queued for
later waits until the test moves the clock past it).
"""

from unittest import mock

from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult


def run_queued_tasks() -> int:
    """Run every task that is ready now; returns how many ran."""
    before = DBTaskResult.objects.exclude(status="READY").count()
    worker = db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    # The worker drops a connection that is inside a transaction, as a web request
    # would; a test's transaction is one on purpose (Django's test client skips the
    # same check for the same reason).
    with mock.patch.object(db_worker, "close_old_connections"):
        worker.run()
    return DBTaskResult.objects.exclude(status="READY").count() - before
