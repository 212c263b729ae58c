"""System checks for what the ledger relies on in configuration."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.db import connections


@checks.register(checks.Tags.database)
def sqlite_writers_serialise(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[checks.CheckMessage]:
    """On SQLite, appends serialise only if every transaction begins IMMEDIATE."""
    errors: list[checks.CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        mode = connection.settings_dict.get("OPTIONS", {}).get("transaction_mode")
        if connection.vendor == "sqlite" and str(mode).upper() != "IMMEDIATE":
            errors.append(
                checks.Error(
                    f"Database {alias!r} is SQLite without transaction_mode IMMEDIATE.",
                    hint="Set OPTIONS['transaction_mode'] = 'IMMEDIATE' so ledger appends "
                    "queue for the write lock instead of failing with 'database is locked'.",
                    id="ledger.E001",
                )
            )
    return errors
