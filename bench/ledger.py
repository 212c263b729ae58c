"""Ledger benchmark: append rate and verification throughput against physical baselines.

    python -m bench.ledger [--rows N] [--quick]

Runs on its own fresh database: SQLite in a temporary directory, or PostgreSQL
when ``DATABASE_URL`` names a server (a new database is created and dropped).
Both figures are measured against a baseline taken in the same run, on the same
database and connection settings (issue #3, acceptance):

- append rate: ``ledger_append``, one transaction per entry, against plain
  single-row INSERT transactions of the same rows into the same table, through
  the raw DB-API connection (hashes computed beforehand, outside the clock);
- verification throughput: ``verify_chain`` over every row, against reading the
  same rows with a raw cursor and hashing the same bytes with hashlib.

Rounds alternate baseline and ledger blocks so drift (cache, table growth)
falls on both alike.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
import uuid

from bench.common import Figure, Stopwatch, environment_notes, own_database, report, setup_django

COLUMNS = (
    "seq",
    "recorded_at",
    "actor_ref",
    "agency_ref",
    "kind",
    "subject_ref",
    "payload",
    "canonical",
    "prev_hash",
    "hash",
)


def make_events(count: int, seed: int = 3) -> list[dict]:
    """Realistic entries: pseudonymous references and a small payload, no personal data."""
    rng = random.Random(seed)
    agencies = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(7)]
    users = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(200)]
    kinds = ["person.updated", "involvement.started", "role.granted", "person.created"]
    events = []
    for n in range(count):
        events.append(
            {
                "kind": kinds[n % len(kinds)],
                "actor_ref": f"user:{rng.choice(users)}",
                "agency_ref": rng.choice(agencies),
                "subject_ref": str(uuid.UUID(int=rng.getrandbits(128))),
                "payload": {
                    "fields": ["address", "date_of_birth"][: 1 + n % 2],
                    "reason": "recorded at the request of the safeguarding lead",
                    "request_ref": str(uuid.UUID(int=rng.getrandbits(128))),
                    "version": 3,
                },
            }
        )
    return events


def prepared_rows(events: list[dict], head_seq: int, head_hash: str) -> list[tuple]:
    """The rows ``ledger_append`` would write for these events, chained after the head."""
    from django.db import connection

    from safeshare.core import clock
    from safeshare.ledger.canonical import (
        canonical_bytes,
        chain_hash,
        encode_payload,
        entry_record,
        format_time,
    )

    rows, prev = [], head_hash
    for offset, event in enumerate(events, start=1):
        seq, recorded_at = head_seq + offset, clock.now()
        canonical = canonical_bytes(
            entry_record(seq=seq, recorded_at=format_time(recorded_at), **event)
        )
        digest = chain_hash(prev, canonical)
        rows.append(
            (
                seq,
                connection.ops.adapt_datetimefield_value(recorded_at),
                event["actor_ref"],
                event["agency_ref"],
                event["kind"],
                event["subject_ref"],
                encode_payload(event["payload"]),  # the payload text ledger_append stores
                canonical,
                prev,
                digest,
            )
        )
        prev = digest
    return rows


def head() -> tuple[int, str]:
    from safeshare.ledger.canonical import GENESIS_HASH
    from safeshare.ledger.models import Entry

    last = Entry.objects.order_by("-seq").values_list("seq", "hash").first()
    return last or (0, GENESIS_HASH)


def baseline_insert(rows: list[tuple], stopwatch: Stopwatch) -> None:
    """Plain single-row INSERT transactions through the raw DB-API connection."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    sqlite = connection.vendor == "sqlite"
    placeholder = "?" if sqlite else "%s"
    sql = (
        f"INSERT INTO ledger_entry ({', '.join(COLUMNS)}) "
        f"VALUES ({', '.join([placeholder] * len(COLUMNS))})"
    )
    begin = "BEGIN IMMEDIATE" if sqlite else "BEGIN"
    cursor = raw.cursor()
    with stopwatch:
        for row in rows:
            cursor.execute(begin)
            cursor.execute(sql, row)
            cursor.execute("COMMIT")
    cursor.close()


def ledger_appends(events: list[dict], stopwatch: Stopwatch) -> None:
    from safeshare.ledger.services import ledger_append

    with stopwatch:
        for event in events:
            ledger_append(**event)


def baseline_read_and_hash() -> tuple[int, float]:
    """Read every row with a plain driver cursor and hash (prev_hash + canonical)."""
    from django.db import connection

    select = f"SELECT {', '.join(COLUMNS)} FROM ledger_entry ORDER BY seq"
    sha256 = hashlib.sha256
    if connection.vendor == "sqlite":
        import sqlite3

        raw = sqlite3.connect(connection.settings_dict["NAME"])
    else:
        import psycopg
        from psycopg.types.string import TextLoader

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        raw = psycopg.connect(**params, autocommit=True)
        raw.adapters.register_loader("jsonb", TextLoader)  # as Django reads it: no parsing
    try:
        start = time.perf_counter()
        cursor = raw.cursor()
        cursor.execute(select)
        count = 0
        while batch := cursor.fetchmany(5000):
            for row in batch:
                sha256(row[8].encode() + row[7]).hexdigest()
            count += len(batch)
        seconds = time.perf_counter() - start
    finally:
        raw.close()
    return count, seconds


def verify_all() -> tuple[int, float]:
    from safeshare.ledger.verify import verify_chain

    start = time.perf_counter()
    result = verify_chain(checkpoint=None)
    seconds = time.perf_counter() - start
    if not result.ok:
        raise SystemExit(f"benchmark ledger failed verification: {result}")
    return result.entries, seconds


def run(rows: int, rounds: int, repeats: int) -> list[Figure]:
    block = max(1, rows // rounds)
    events = make_events(block * rounds * 2)
    append_clock, insert_clock = Stopwatch(), Stopwatch()
    appended = inserted = 0
    # Warm up connection, statement caches and code paths (not measured).
    baseline_insert(prepared_rows(make_events(20, seed=9), *head()), Stopwatch())
    ledger_appends(make_events(20, seed=10), Stopwatch())
    for r in range(rounds):
        ours = events[2 * r * block : (2 * r + 1) * block]
        theirs = events[(2 * r + 1) * block : (2 * r + 2) * block]
        baseline_insert(prepared_rows(theirs, *head()), insert_clock)
        inserted += len(theirs)
        ledger_appends(ours, append_clock)
        appended += len(ours)

    verify_best = read_best = float("inf")
    verified = read = 0
    for _ in range(repeats):
        read, seconds = baseline_read_and_hash()
        read_best = min(read_best, seconds)
        verified, seconds = verify_all()
        verify_best = min(verify_best, seconds)
    assert read == verified, (read, verified)

    return [
        Figure(
            "ledger.append_rate",
            appended / append_clock.seconds,
            "entries/s",
            inserted / insert_clock.seconds,
            "ledger_append, one transaction each, vs single-row INSERT transactions",
        ),
        Figure(
            "ledger.verify_throughput",
            verified / verify_best,
            "entries/s",
            read / read_best,
            f"verify_chain over {verified} entries vs raw cursor read + sha256",
        ),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ledger", description=__doc__)
    parser.add_argument(
        "--rows", type=int, default=None, help="ledger appends to time (baseline inserts as many)"
    )
    parser.add_argument("--quick", action="store_true", help="a small run, well under a minute")
    args = parser.parse_args(argv)
    rows = args.rows if args.rows is not None else (3000 if args.quick else 20000)
    if rows < 1:
        parser.error("--rows must be at least 1")
    rounds = max(1, min(10, rows // 100))
    repeats = 2 if args.quick else 3
    with own_database():
        setup_django()
        figures = run(rows, rounds, repeats)
        notes = [
            *environment_notes(),
            f"{rows} appends and {rows} baseline inserts in {rounds} alternating rounds; "
            f"verification best of {repeats}",
        ]
        report("safeshare ledger benchmark", figures, notes)


if __name__ == "__main__":
    main(sys.argv[1:])
