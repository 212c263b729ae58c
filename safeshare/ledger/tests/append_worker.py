"""A separate process that appends to the ledger, for the concurrency test.

    python -m safeshare.ledger.tests.append_worker WORKER COUNT

Uses DJANGO_SETTINGS_MODULE and DATABASE_URL from the environment. Prints
``ready``, waits for a line on stdin so all workers start together, appends
COUNT entries (one transaction each, alternately its own and a caller's) and prints ``done``.
"""

import sys
from contextlib import nullcontext

import django


def main() -> None:
    worker, count = int(sys.argv[1]), int(sys.argv[2])
    django.setup()
    from django.db import connection, transaction

    from safeshare.ledger.kinds import EntryKind
    from safeshare.ledger.services import ledger_append

    connection.ensure_connection()
    print("ready", flush=True)
    sys.stdin.readline()
    for n in range(count):
        # Half the appends join a caller's transaction, half run in their own.
        with transaction.atomic() if n % 2 else nullcontext():
            ledger_append(
                kind=EntryKind.PERSON_UPDATED,
                actor_ref=f"system:worker-{worker}",
                agency_ref=None,
                subject_ref=None,
                payload={"worker": worker, "n": n},
            )
    connection.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()
