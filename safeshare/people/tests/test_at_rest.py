"""Persons' identity fields cannot be read from the raw database (issue #3 acceptance).

Distinctive values are written through the services, then the stored bytes are
searched: on SQLite the whole database file (a copy of the test database made
with SQLite's backup API, so every table, index and free page is included), on
PostgreSQL every row of every table, rendered as text by the server.
"""

import datetime
import sqlite3

import pytest
from django.db import connection

from safeshare.agencies.tests.factories import AgencyFactory
from safeshare.people import selectors
from safeshare.people.models import PersonKind
from safeshare.people.services.people import person_create, person_update_identity
from safeshare.people.services.relationships import relationship_record
from safeshare.people.tests.factories import SYSTEM, test_nhs_number

pytestmark = pytest.mark.django_db

GIVEN = "Xanthelope"
FAMILY = "Quarrington-Vell"
DOB = datetime.date(2013, 11, 27)
NHS = test_nhs_number(7)


def plaintexts() -> list[bytes]:
    forms = [
        GIVEN,
        FAMILY,
        "Quarrington",
        NHS,
        f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}",
        DOB.isoformat(),
        DOB.strftime("%d/%m/%Y"),
    ]
    found = []
    for form in forms:
        for variant in {form, form.lower(), form.upper()}:
            found += [variant.encode("utf-8"), variant.encode("utf-16-le")]
    return found


def record_people():
    agency = AgencyFactory()
    child = person_create(
        actor=None,
        actor_ref=SYSTEM,
        agency=agency,
        kind=PersonKind.CHILD,
        given_name=GIVEN,
        family_name=FAMILY,
        date_of_birth=DOB,
        nhs_number=NHS,
    )
    parent = person_create(
        actor=None,
        actor_ref=SYSTEM,
        agency=agency,
        kind=PersonKind.PARENT_CARER,
        given_name="Ottoline",
        family_name=FAMILY,
        date_of_birth=datetime.date(1988, 4, 1),
    )
    relationship_record(
        actor=None,
        actor_ref=SYSTEM,
        person=child,
        related_person=parent,
        relationship_type="mother",
        has_parental_responsibility=True,
    )
    person_update_identity(actor=None, actor_ref=SYSTEM, person=parent, given_name="Ottoline Maud")
    return child, parent


def sqlite_file_bytes(tmp_path) -> bytes:
    connection.ensure_connection()
    path = tmp_path / "copy.sqlite3"
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return path.read_bytes()


def postgresql_rows_text() -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
        tables = [name for (name,) in cursor.fetchall()]
        chunks = []
        for table in tables:
            cursor.execute(f'SELECT t::text FROM "{table}" AS t')
            chunks += [text for (text,) in cursor.fetchall()]
    # Also decode bytea columns' hex (\x...) back to bytes, so ciphertext is searched raw.
    text = "\n".join(chunks)
    raw = bytearray(text.encode())
    for token in text.replace('"', " ").replace(",", " ").split():
        token = token.strip("()")
        if token.startswith("\\\\x") or token.startswith("\\x"):
            try:
                raw += bytes.fromhex(token.lstrip("\\")[1:])
            except ValueError:
                pass
    return bytes(raw)


# Committed (transaction=True): SQLite's backup API cannot copy a database while
# the same connection holds an open write transaction, as ordinary tests do.
@pytest.mark.django_db(transaction=True)
def test_identity_fields_are_not_in_the_raw_database(tmp_path):
    child, parent = record_people()
    assert selectors.person_identity(child).given_name == GIVEN  # the data is really there
    if connection.vendor == "sqlite":
        stored = sqlite_file_bytes(tmp_path)
    else:
        stored = postgresql_rows_text()
    # Control: the dump does hold the rows (their pseudonymous ids and the ledger),
    # and plaintext columns are readable in it (the agency's name).
    assert child.pk.hex.encode() in stored or str(child.pk).encode() in stored
    assert child.involvements.get().agency.name.encode() in stored
    assert b"person.created" in stored
    for secret in plaintexts():
        assert secret not in stored, secret
    assert b"Ottoline" not in stored


def test_raw_person_columns_hold_ciphertext_only():
    child, _parent = record_people()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT given_name_enc, family_name_enc, date_of_birth_enc, nhs_number_enc, "
            "wrapped_key, nhs_number_index, name_dob_index FROM people_person WHERE id = %s",
            [child.pk.hex if connection.vendor == "sqlite" else child.pk],
        )
        row = cursor.fetchone()
    assert row is not None
    raw = b"".join(value.encode() if isinstance(value, str) else bytes(value) for value in row)
    for secret in plaintexts():
        assert secret not in raw
