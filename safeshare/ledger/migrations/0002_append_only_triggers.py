"""The database itself refuses UPDATE and DELETE on the ledger (issue #3 item 5).

SQLite gets BEFORE UPDATE/DELETE triggers that abort; PostgreSQL gets row
triggers calling a plpgsql function that raises, plus a TRUNCATE trigger. The
SQL is written out here, not imported, so this migration never changes.
"""

from django.db import migrations

TABLES = ("ledger_entry", "ledger_checkpoint")

SQLITE_CREATE = """
CREATE TRIGGER {table}_refuse_{op} BEFORE {OP} ON {table}
BEGIN
    SELECT RAISE(ABORT, 'ledger is append-only: {OP} on {table} refused');
END
"""

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$
"""

POSTGRES_ROW_TRIGGER = """
CREATE TRIGGER {table}_refuse_change BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
"""

POSTGRES_TRUNCATE_TRIGGER = """
CREATE TRIGGER {table}_refuse_truncate BEFORE TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in TABLES:
            for op in ("update", "delete"):
                schema_editor.execute(SQLITE_CREATE.format(table=table, op=op, OP=op.upper()))
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(POSTGRES_ROW_TRIGGER.format(table=table))
            schema_editor.execute(POSTGRES_TRUNCATE_TRIGGER.format(table=table))
    else:
        raise NotImplementedError(f"no append-only triggers for the {vendor} database")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in TABLES:
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_{op}")
    elif vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_change ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_truncate ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS ledger_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_entries_and_checkpoints")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
