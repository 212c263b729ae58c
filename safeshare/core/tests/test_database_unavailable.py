"""Which database errors are "try again" (503) and which are faults (500)."""

import sqlite3

import psycopg
import psycopg.errors
import pytest
from django.db import InterfaceError, OperationalError

from safeshare.core.errors import is_database_unavailable


def _from_driver(driver_error: Exception) -> OperationalError:
    """As Django raises it: its own OperationalError, caused by the driver's."""
    try:
        raise OperationalError(str(driver_error)) from driver_error
    except OperationalError as error:
        return error


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (_from_driver(psycopg.OperationalError("server closed the connection")), True),
        (_from_driver(psycopg.OperationalError("connection refused")), True),
        (_from_driver(psycopg.errors.DeadlockDetected("deadlock detected")), True),
        (_from_driver(psycopg.errors.SerializationFailure("could not serialize")), True),
        (_from_driver(psycopg.errors.AdminShutdown("terminating connection")), True),
        (_from_driver(psycopg.errors.TooManyConnections("too many clients")), True),
        (_from_driver(psycopg.errors.UndefinedTable('relation "x" does not exist')), False),
        (_from_driver(psycopg.errors.QueryCanceled("statement timeout")), False),
        (_from_driver(sqlite3.OperationalError("database is locked")), True),
        (_from_driver(sqlite3.OperationalError("no such table: people_person")), False),
        (_from_driver(sqlite3.OperationalError("too many SQL variables")), False),
        (InterfaceError("connection already closed"), True),
        (OperationalError("no driver error behind it"), False),
        (ValueError("not a database error"), False),
        (None, False),
    ],
)
def test_only_what_passes_by_itself_is_a_database_out_of_reach(error, unavailable):
    assert is_database_unavailable(error) is unavailable
