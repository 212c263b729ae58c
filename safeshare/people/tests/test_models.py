"""Database invariants of people, relationships and involvements, and reading identities.

Rows here are built directly (not through services) to reach states the services
never produce, so the database's own constraints are what is under test.
"""

import datetime
import logging

import pytest
from django.db import IntegrityError, connection, transaction

from safeshare.agencies.tests.factories import AgencyFactory
from safeshare.core import clock, crypto
from safeshare.people import identity as ident
from safeshare.people.models import Involvement, Person, PersonKind, Relationship

pytestmark = pytest.mark.django_db

DOB = datetime.date(2015, 3, 14)


def sealed_person(
    given: str = "Quillon",
    family: str = "Vantreece",
    dob: datetime.date = DOB,
    nhs: str | None = None,
    kind: str = PersonKind.CHILD,
) -> Person:
    person = Person(kind=kind)
    dek = crypto.new_data_key()
    person.wrapped_key = crypto.wrap_key(dek, context=ident.key_context(person.id))
    ident.seal_identity(
        person, dek, given_name=given, family_name=family, date_of_birth=dob, nhs_number=nhs
    )
    person.save()
    return person


def test_identity_round_trips_through_the_database():
    person = sealed_person(nhs="9990000018")
    fresh = Person.objects.get(pk=person.pk)
    identity = ident.read_identity(fresh)
    assert identity == ident.Identity("Quillon", "Vantreece", DOB, "9990000018")
    assert identity.erased is False
    assert identity.nhs_number_display == "999 000 0018"


def test_str_never_decrypts():
    person = sealed_person()
    assert "Quillon" not in str(person)
    assert str(person).startswith("Child or young person ")


def test_raw_columns_hold_no_plaintext():
    sealed_person(given="Quillon", family="Vantreece", nhs="9990000018")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT given_name_enc, family_name_enc, date_of_birth_enc, nhs_number_enc, "
            "nhs_number_index, name_dob_index FROM people_person"
        )
        row = cursor.fetchone()
    raw = b"".join(bytes(value) if not isinstance(value, str) else value.encode() for value in row)
    for secret in (b"Quillon", b"quillon", b"Vantreece", b"9990000018", b"2015-03-14"):
        assert secret not in raw


def test_ciphertext_moved_to_another_person_reads_as_unreadable(caplog):
    first = sealed_person(given="Quillon")
    second = sealed_person(given="Marisol", family="Okonkwo-Ede")
    # Swap the given-name ciphertext between the two rows, as a tamperer with
    # database access might; AES-GCM's associated data binds it to its owner.
    Person.objects.filter(pk=second.pk).update(given_name_enc=first.given_name_enc)
    with caplog.at_level(logging.ERROR, logger="safeshare.people.identity"):
        identity = ident.read_identity(Person.objects.get(pk=second.pk))
    assert identity is ident.UNREADABLE
    assert identity.erased is True
    assert "integrity" in identity.display_name
    assert str(second.pk) in caplog.text
    assert "Marisol" not in caplog.text


def test_ciphertext_moved_to_another_field_reads_as_unreadable():
    person = sealed_person()
    Person.objects.filter(pk=person.pk).update(family_name_enc=person.given_name_enc)
    assert ident.read_identity(Person.objects.get(pk=person.pk)) is ident.UNREADABLE


def test_wrapped_key_moved_to_another_person_reads_as_unreadable():
    first, second = sealed_person(), sealed_person(given="Marisol")
    Person.objects.filter(pk=second.pk).update(wrapped_key=first.wrapped_key)
    assert ident.read_identity(Person.objects.get(pk=second.pk)) is ident.UNREADABLE


def test_cache_follows_the_row_not_the_instance():
    person = sealed_person()
    assert ident.read_identity(person).given_name == "Quillon"
    Person.objects.filter(pk=person.pk).update(
        shredded_at=clock.now(), wrapped_key=None, nhs_number_index=None, name_dob_index=None
    )
    person.refresh_from_db()
    assert ident.read_identity(person) is ident.ERASED


def test_erased_state_reads_without_error():
    erased = ident.ERASED
    assert erased.erased is True
    assert erased.display_name == "Erased"
    assert erased.full_name == "Erased"
    assert erased.given_name is None
    assert erased.age_on(datetime.date(2025, 1, 1)) is None


@pytest.mark.parametrize(
    ("dob", "on", "age"),
    [
        (datetime.date(2010, 6, 15), datetime.date(2026, 6, 14), 15),
        (datetime.date(2010, 6, 15), datetime.date(2026, 6, 15), 16),
        (datetime.date(2008, 2, 29), datetime.date(2026, 2, 28), 17),
        (datetime.date(2008, 2, 29), datetime.date(2026, 3, 1), 18),
        (datetime.date(2026, 1, 1), datetime.date(2026, 1, 1), 0),
    ],
)
def test_age_on(dob, on, age):
    assert ident.age_on(dob, on) == age
    assert ident.Identity("A", "B", dob).age_on(on) == age


def test_name_dob_index_matches_variants_only_on_the_same_date():
    base = ident.name_dob_index("Zoë", "Smith-Jones", DOB)
    assert base == ident.name_dob_index(" zoe ", "SMITH JONES", DOB)
    assert base != ident.name_dob_index("Zoë", "Smith-Jones", DOB + datetime.timedelta(days=1))
    assert base != ident.name_dob_index("Smith-Jones", "Zoë", DOB)
    assert ident.name_dob_index("--", "Smith", DOB) is None


# --- person constraints ----------------------------------------------------------------


def test_live_person_needs_a_wrapped_key():
    person = sealed_person()
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(wrapped_key=None)


def test_shredded_person_cannot_keep_a_wrapped_key():
    person = sealed_person()
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(
            shredded_at=clock.now(), nhs_number_index=None, name_dob_index=None
        )


def test_shredded_person_cannot_keep_an_index():
    person = sealed_person(nhs="9990000018")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(
            shredded_at=clock.now(), wrapped_key=None, name_dob_index=None
        )


def test_nhs_number_index_is_unique():
    sealed_person(nhs="9990000018")
    with pytest.raises(IntegrityError), transaction.atomic():
        sealed_person(given="Other", nhs="9990000018")


def test_many_people_without_nhs_number():
    sealed_person()
    sealed_person(given="Other")
    assert Person.objects.filter(nhs_number_index__isnull=True).count() == 2


def test_unknown_kind_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        sealed_person(kind="pet")


# --- relationship and involvement constraints ------------------------------------------


def test_relationship_with_self_is_refused():
    person = sealed_person()
    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(person=person, related_person=person, relationship_type="other")


def test_relationship_cannot_end_before_it_starts():
    child, mother = sealed_person(), sealed_person(kind=PersonKind.PARENT_CARER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(
            person=child,
            related_person=mother,
            relationship_type="mother",
            started_on=DOB,
            ended_on=DOB - datetime.timedelta(days=1),
        )


def test_one_active_relationship_per_pair_and_type():
    child, carer = sealed_person(), sealed_person(kind=PersonKind.PARENT_CARER)
    Relationship.objects.create(
        person=child, related_person=carer, relationship_type="carer", ended_on=DOB
    )
    Relationship.objects.create(person=child, related_person=carer, relationship_type="carer")
    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(person=child, related_person=carer, relationship_type="carer")


def test_involvement_cannot_end_before_it_starts():
    agency, person = AgencyFactory(), sealed_person()
    with pytest.raises(IntegrityError), transaction.atomic():
        Involvement.objects.create(
            agency=agency, person=person, started_on=DOB, ended_on=DOB - datetime.timedelta(1)
        )


def test_one_open_involvement_per_agency_and_person():
    agency, person = AgencyFactory(), sealed_person()
    Involvement.objects.create(agency=agency, person=person, started_on=DOB, ended_on=DOB)
    Involvement.objects.create(agency=agency, person=person, started_on=DOB)
    with pytest.raises(IntegrityError), transaction.atomic():
        Involvement.objects.create(agency=agency, person=person, started_on=DOB)
