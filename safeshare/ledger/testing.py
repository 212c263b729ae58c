"""Test support: lift the ledger's append-only triggers where a test must.

Never used by the application. Tamper tests need to alter rows the database
otherwise protects, and pytest-django's transactional tests end with a flush
that must empty the ledger tables.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connections, transaction
from django.db.backends.base.operations import BaseDatabaseOperations

LEDGER_TABLES = ("ledger_entry", "ledger_checkpoint")


@contextmanager
def append_only_suspended(using: str = "default") -> Iterator[None]:
    """Drop (SQLite) or disable (PostgreSQL) the triggers, then put them back.

    Runs inside one transaction, so if the body fails the triggers are restored
    by the rollback as well.
    """
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master"
                " WHERE type = 'trigger' AND tbl_name IN (%s, %s)",
                list(LEDGER_TABLES),
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            yield
            for _name, sql in triggers:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            for table in LEDGER_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            yield
            for table in LEDGER_TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            raise NotImplementedError(connection.vendor)


@contextmanager
def flush_clears_ledger() -> Iterator[None]:
    """Let Django's flush (the end of every transactional test) empty the ledger."""
    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
        if not any(table in sql for sql in sql_list for table in LEDGER_TABLES):
            return original(self, sql_list)
        with append_only_suspended(using=self.connection.alias):
            return original(self, sql_list)

    with mock.patch.object(BaseDatabaseOperations, "execute_sql_flush", execute_sql_flush):
        yield


def write_signing_key(path: Path) -> None:
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
