"""What every benchmark shares: its own throwaway database, timing, and reporting.

Every figure is printed twice: in a table for people, and as one JSON line
``{"figure", "value", "unit", "baseline", "ratio"}`` so runs can be compared.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

BENCH_SETTINGS = "safeshare.config.settings.test"  # DEBUG off: no query log


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    baseline: float
    description: str = ""

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")

    def as_json(self) -> str:
        return json.dumps(
            {
                "figure": self.name,
                "value": round(self.value, 3),
                "unit": self.unit,
                "baseline": round(self.baseline, 3) if self.baseline else None,
                # A figure with no baseline (a count, a latency) has no ratio: null, so the
                # line stays strict JSON.
                "ratio": round(self.ratio, 4) if self.baseline else None,
            },
            allow_nan=False,
        )


def report(title: str, figures: list[Figure], notes: list[str], out=sys.stdout) -> None:
    """The readable table, then the JSON lines."""
    print(title, file=out)
    for note in notes:
        print(f"  {note}", file=out)
    header = f"{'figure':<28} {'value':>14} {'baseline':>14} {'ratio':>7}  unit"
    print(header, file=out)
    print("-" * len(header), file=out)
    for figure in figures:
        print(
            f"{figure.name:<28} {figure.value:>14,.0f} {figure.baseline:>14,.0f} "
            f"{figure.ratio:>7.2f}  {figure.unit}",
            file=out,
        )
    for figure in figures:
        if figure.description:
            print(f"  {figure.name}: {figure.description}", file=out)
    for figure in figures:
        print(figure.as_json(), file=out)
    out.flush()


class Stopwatch:
    """Accumulates the time spent inside ``with stopwatch:`` blocks."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds += time.perf_counter() - self._start


@contextmanager
def own_database() -> Iterator[str]:
    """Point Django at a new, empty database for this run, and remove it afterwards.

    SQLite (default): a file in a temporary directory. With ``DATABASE_URL`` set to
    PostgreSQL: a new database ``safeshare_bench_<pid>`` on that server.
    """
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"safeshare_bench_{os.getpid()}"
        parts = urlsplit(url)
        # Create and drop through the server's maintenance database: the database
        # the URL names need not exist (test runs name their own).
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
        try:
            yield os.environ["DATABASE_URL"]
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            os.environ["DATABASE_URL"] = url
    else:
        directory = tempfile.mkdtemp(prefix="safeshare-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
        try:
            yield os.environ["DATABASE_URL"]
        finally:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(directory, ignore_errors=True)
            if url:
                os.environ["DATABASE_URL"] = url
            else:
                os.environ.pop("DATABASE_URL", None)


def setup_django() -> None:
    """Configure Django with the benchmark settings and migrate the fresh database."""
    os.environ["DJANGO_SETTINGS_MODULE"] = BENCH_SETTINGS
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def environment_notes() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            synchronous = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[cursor.fetchone()[0]]
            database += f" (journal_mode={journal}, synchronous={synchronous})"
        else:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            cursor.execute("SHOW fsync")
            fsync = cursor.fetchone()[0]
            cursor.execute("SHOW synchronous_commit")
            sync_commit = cursor.fetchone()[0]
            database = f"PostgreSQL {version} (fsync={fsync}, synchronous_commit={sync_commit})"
    return [
        f"database: {database}",
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs",
    ]
