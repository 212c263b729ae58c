import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Entry
from safeshare.people import selectors
from safeshare.people.identity import ERASED, Identity
from safeshare.people.models import Involvement, Person, PersonKind, Relationship
from safeshare.people.services import _common
from safeshare.people.services.involvements import involvement_end, involvement_start
from safeshare.people.services.people import (
    ShredReason,
    person_create,
    person_shred,
    person_update_identity,
)
from safeshare.people.services.relationships import relationship_end, relationship_record
from safeshare.people.tests.factories import make_person, test_nhs_number

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 10)
DOB = datetime.date(2016, 9, 23)
NHS = test_nhs_number(1)
OTHER_NHS = test_nhs_number(2)
SECRETS = ("Quillon", "quillon", "Vantreece", "vantreece", NHS, "2016-09-23")


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(datetime.datetime(2026, 6, 10, 12, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def practitioner():
    return staff(Role.PRACTITIONER)


def create(actor, **overrides):
    fields = {
        "actor": actor,
        "agency": actor.agency,
        "kind": PersonKind.CHILD,
        "given_name": "Quillon",
        "family_name": "Vantreece",
        "date_of_birth": DOB,
        "nhs_number": NHS,
    }
    fields.update(overrides)
    return person_create(**fields)


def entries(person=None, kind=None):
    found = Entry.objects.all()
    if person is not None:
        found = found.filter(subject_ref=str(person.pk))
    if kind is not None:
        found = found.filter(kind=kind)
    return list(found)


def assert_no_plaintext(entry_list):
    for entry in entry_list:
        blob = bytes(entry.canonical)
        for secret in SECRETS:
            assert secret.encode() not in blob, (entry.kind, secret)


# --- person_create ---------------------------------------------------------------------


def test_create_encrypts_identity_and_opens_involvement(practitioner):
    person = create(practitioner, nhs_number=f"{NHS[:3]} {NHS[3:6]}-{NHS[6:]}")
    fresh = Person.objects.get(pk=person.pk)
    assert selectors.person_identity(fresh) == Identity("Quillon", "Vantreece", DOB, NHS)
    involvement = Involvement.objects.get(person=person)
    assert involvement.agency == practitioner.agency
    assert involvement.started_on == TODAY
    assert involvement.ended_on is None


def test_create_writes_its_ledger_entries(practitioner):
    person = create(practitioner)
    created, started = entries(person)
    assert created.kind == EntryKind.PERSON_CREATED
    assert created.actor_ref == f"user:{practitioner.pk}"
    assert created.agency_ref == str(practitioner.agency.pk)
    assert created.subject_ref == str(person.pk)
    assert created.payload == {"kind": "child", "nhs_number_recorded": True}
    assert started.kind == EntryKind.INVOLVEMENT_STARTED
    assert started.payload["started_on"] == "2026-06-10"
    assert_no_plaintext([created, started])


def test_system_actor_is_named_in_the_ledger():
    agency = AgencyFactory()
    person = person_create(
        actor=None,
        actor_ref="system:demo_load",
        agency=agency,
        kind=PersonKind.PARENT_CARER,
        given_name="Quillon",
        family_name="Vantreece",
        date_of_birth=DOB,
    )
    (created, _started) = entries(person)
    assert created.actor_ref == "system:demo_load"
    assert created.payload["nhs_number_recorded"] is False


def test_system_actor_must_be_named():
    with pytest.raises(ValueError, match="system:"):
        person_create(
            actor=None,
            agency=AgencyFactory(),
            kind=PersonKind.CHILD,
            given_name="A",
            family_name="B",
            date_of_birth=DOB,
        )
    assert not Person.objects.exists()


def test_staff_record_people_for_their_own_agency_only(practitioner):
    with pytest.raises(PermissionDenied):
        create(practitioner, agency=AgencyFactory())
    assert not Person.objects.exists()
    assert not entries()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date_of_birth": TODAY + datetime.timedelta(days=1)}, "date_of_birth", "in the past"),
        ({"date_of_birth": datetime.date(1899, 12, 31)}, "date_of_birth", "1 January 1900"),
        ({"date_of_birth": "2016-09-23"}, "date_of_birth", "real date"),
        (
            {"date_of_birth": datetime.datetime(2016, 9, 23, tzinfo=datetime.UTC)},
            "date_of_birth",
            "real date",
        ),
        ({"nhs_number": NHS[:-1] + str((int(NHS[-1]) + 1) % 10)}, "nhs_number", "check digit"),
        ({"nhs_number": "12345"}, "nhs_number", "10 digits"),
        ({"given_name": "   "}, "given_name", "Enter the given name"),
        ({"given_name": None}, "given_name", "Enter the given name"),
        ({"family_name": ""}, "family_name", "Enter the family name"),
        ({"family_name": "-'"}, "family_name", "at least one letter"),
        ({"given_name": "A" * 201}, "given_name", "200 characters"),
        ({"kind": "pet"}, "kind", "child"),
        ({"involvement_reason": "x" * 201}, "involvement_reason", "200 characters"),
    ],
)
def test_bad_input_is_refused_naming_the_field(practitioner, overrides, field, message):
    with pytest.raises(ValidationError) as excinfo:
        create(practitioner, **overrides)
    assert field in excinfo.value.message_dict
    assert message in " ".join(excinfo.value.message_dict[field])
    assert not Person.objects.exists()
    assert not Involvement.objects.exists()
    assert not entries()


def test_every_bad_field_is_reported_at_once(practitioner):
    with pytest.raises(ValidationError) as excinfo:
        create(practitioner, given_name="", family_name="", nhs_number="1", date_of_birth=None)
    assert set(excinfo.value.message_dict) == {
        "given_name",
        "family_name",
        "nhs_number",
        "date_of_birth",
    }


def test_blank_nhs_number_means_not_known(practitioner):
    person = create(practitioner, nhs_number="  ")
    assert selectors.person_identity(person).nhs_number is None
    assert person.nhs_number_index is None


def test_names_are_tidied_but_kept_as_written(practitioner):
    person = create(practitioner, given_name="  Zoë   Ann ", family_name="O'Neill-Ó")
    identity = selectors.person_identity(Person.objects.get(pk=person.pk))
    assert (identity.given_name, identity.family_name) == ("Zoë Ann", "O'Neill-Ó")


def test_duplicate_nhs_number_is_refused(practitioner):
    create(practitioner)
    spaced = f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}"
    with pytest.raises(ValidationError) as excinfo:
        create(practitioner, given_name="Marisol", nhs_number=spaced)
    assert "already recorded" in excinfo.value.message_dict["nhs_number"][0]
    assert Person.objects.count() == 1
    assert len(entries(kind=EntryKind.PERSON_CREATED)) == 1


def test_failed_ledger_append_leaves_nothing_written(practitioner, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("ledger unavailable")

    monkeypatch.setattr(_common, "ledger_append", broken)
    with pytest.raises(RuntimeError):
        create(practitioner)
    assert not Person.objects.exists()
    assert not Involvement.objects.exists()


# --- person_update_identity ------------------------------------------------------------


def test_update_identity_re_encrypts_and_reindexes(practitioner):
    person = create(practitioner)
    old_ciphertext = bytes(person.family_name_enc)
    person_update_identity(actor=practitioner, person=person, family_name="Ashdown")
    fresh = Person.objects.get(pk=person.pk)
    assert selectors.person_identity(fresh) == Identity("Quillon", "Ashdown", DOB, NHS)
    assert bytes(fresh.family_name_enc) != old_ciphertext
    people = Person.objects.all()
    found = selectors.person_find_by_name_and_dob(
        queryset=people, given_name="Quillon", family_name="ashdown", date_of_birth=DOB
    )
    assert list(found) == [person]
    old = selectors.person_find_by_name_and_dob(
        queryset=people, given_name="Quillon", family_name="Vantreece", date_of_birth=DOB
    )
    assert not old.exists()
    (entry,) = entries(person, EntryKind.PERSON_UPDATED)
    assert entry.payload == {"fields": ["family_name"], "identity_version": 2}
    assert entry.actor_ref == f"user:{practitioner.pk}"
    assert_no_plaintext([entry])
    assert b"Ashdown" not in bytes(entry.canonical)


def test_update_can_remove_nhs_number_and_change_kind(practitioner):
    person = create(practitioner)
    person_update_identity(
        actor=practitioner, person=person, nhs_number=None, kind=PersonKind.FAMILY_MEMBER
    )
    fresh = Person.objects.get(pk=person.pk)
    assert selectors.person_identity(fresh).nhs_number is None
    assert fresh.nhs_number_index is None and fresh.nhs_number_enc is None
    assert fresh.kind == PersonKind.FAMILY_MEMBER
    (entry,) = entries(person, EntryKind.PERSON_UPDATED)
    assert entry.payload == {"fields": ["kind", "nhs_number"], "identity_version": 2}


def test_update_without_change_writes_nothing(practitioner):
    person = create(practitioner)
    person_update_identity(actor=practitioner, person=person, given_name=" Quillon ")
    assert not entries(person, EntryKind.PERSON_UPDATED)


def test_update_refuses_another_persons_nhs_number(practitioner):
    create(practitioner)
    other = create(practitioner, given_name="Marisol", nhs_number=OTHER_NHS)
    with pytest.raises(ValidationError) as excinfo:
        person_update_identity(actor=practitioner, person=other, nhs_number=NHS)
    assert "nhs_number" in excinfo.value.message_dict
    assert selectors.person_identity(Person.objects.get(pk=other.pk)).nhs_number == OTHER_NHS
    assert not entries(other, EntryKind.PERSON_UPDATED)


def test_update_refuses_bad_values_and_changes_nothing(practitioner):
    person = create(practitioner)
    before = bytes(Person.objects.get(pk=person.pk).given_name_enc)
    with pytest.raises(ValidationError) as excinfo:
        person_update_identity(
            actor=practitioner,
            person=person,
            given_name="",
            date_of_birth=TODAY + datetime.timedelta(days=3),
        )
    assert set(excinfo.value.message_dict) == {"given_name", "date_of_birth"}
    assert bytes(Person.objects.get(pk=person.pk).given_name_enc) == before
    assert not entries(person, EntryKind.PERSON_UPDATED)


# --- person_shred ----------------------------------------------------------------------


def test_shred_makes_identity_erased_and_unfindable(practitioner):
    person = create(practitioner)
    ciphertext = bytes(person.given_name_enc)
    person_shred(actor=practitioner, person=person, reason=ShredReason.ERASURE_REQUEST)
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.wrapped_key is None
    assert fresh.shredded_at is not None
    # The ciphertext is still there (as in every backup), but nothing can open it.
    assert bytes(fresh.given_name_enc) == ciphertext
    assert selectors.person_identity(fresh) is ERASED
    assert selectors.person_identity(person) is ERASED
    assert selectors.person_identity(fresh).display_name == "Erased"
    people = Person.objects.all()
    assert selectors.person_find_by_nhs_number(queryset=people, nhs_number=NHS) is None
    assert not selectors.person_find_by_name_and_dob(
        queryset=people, given_name="Quillon", family_name="Vantreece", date_of_birth=DOB
    ).exists()


def test_shred_writes_a_ledger_entry_without_personal_data(practitioner):
    person = create(practitioner)
    person_shred(actor=practitioner, person=person, reason=ShredReason.RETENTION_ENDED)
    (entry,) = entries(person, EntryKind.PERSON_SHREDDED)
    assert entry.payload == {"reason": "retention_ended"}
    assert entry.subject_ref == str(person.pk)
    assert_no_plaintext(entries(person))


def test_shred_twice_is_refused(practitioner):
    person = create(practitioner)
    person_shred(actor=practitioner, person=person, reason="recorded_in_error")
    with pytest.raises(ValidationError) as excinfo:
        person_shred(actor=practitioner, person=person, reason="recorded_in_error")
    assert "erased" in excinfo.value.message_dict["person"][0]
    assert len(entries(person, EntryKind.PERSON_SHREDDED)) == 1


def test_shred_needs_a_listed_reason(practitioner):
    person = create(practitioner)
    with pytest.raises(ValidationError) as excinfo:
        person_shred(actor=practitioner, person=person, reason="the mother asked")
    assert "reason" in excinfo.value.message_dict
    assert Person.objects.get(pk=person.pk).wrapped_key is not None
    assert not entries(person, EntryKind.PERSON_SHREDDED)


def test_erased_person_cannot_change(practitioner):
    person = create(practitioner)
    other = create(practitioner, given_name="Marisol", nhs_number=OTHER_NHS)
    person_shred(actor=practitioner, person=person, reason="recorded_in_error")
    with pytest.raises(ValidationError):
        person_update_identity(actor=practitioner, person=person, given_name="New")
    with pytest.raises(ValidationError) as excinfo:
        relationship_record(
            actor=practitioner, person=other, related_person=person, relationship_type="sibling"
        )
    assert "related_person" in excinfo.value.message_dict
    Involvement.objects.filter(person=person).update(ended_on=TODAY)
    with pytest.raises(ValidationError) as excinfo:
        involvement_start(actor=practitioner, agency=practitioner.agency, person=person)
    assert "person" in excinfo.value.message_dict


def test_erased_persons_nhs_number_can_be_recorded_again(practitioner):
    person = create(practitioner)
    person_shred(actor=practitioner, person=person, reason="recorded_in_error")
    again = create(practitioner, given_name="Marisol")
    assert selectors.person_find_by_nhs_number(queryset=Person.objects.all(), nhs_number=NHS) == (
        again
    )


# --- relationships ---------------------------------------------------------------------


def test_relationship_record_with_parental_responsibility(practitioner):
    child = create(practitioner)
    mother = create(
        practitioner,
        kind=PersonKind.PARENT_CARER,
        given_name="Marisol",
        date_of_birth=datetime.date(1990, 1, 2),
        nhs_number=None,
    )
    relationship = relationship_record(
        actor=practitioner,
        person=child,
        related_person=mother,
        relationship_type="mother",
        has_parental_responsibility=True,
        started_on=DOB,
    )
    assert relationship.has_parental_responsibility
    assert selectors.parental_responsibility_holders(child=child) == [mother]
    (entry,) = entries(child, EntryKind.RELATIONSHIP_RECORDED)
    assert entry.payload == {
        "relationship": str(relationship.pk),
        "related_person": str(mother.pk),
        "relationship_type": "mother",
        "has_parental_responsibility": True,
    }
    assert entry.agency_ref == str(practitioner.agency.pk)


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("unknown type", "relationship_type"),
        ("future start", "started_on"),
        ("self", "related_person"),
        ("responsibility for an adult", "has_parental_responsibility"),
    ],
)
def test_bad_relationships_are_refused(practitioner, case, field):
    child = create(practitioner)
    carer = create(practitioner, kind=PersonKind.PARENT_CARER, given_name="M", nhs_number=None)
    fields = {
        "actor": practitioner,
        "person": child,
        "related_person": carer,
        "relationship_type": "carer",
    }
    if case == "unknown type":
        fields["relationship_type"] = "landlord"
    elif case == "future start":
        fields["started_on"] = TODAY + datetime.timedelta(days=1)
    elif case == "self":
        fields["related_person"] = child
    else:
        fields.update(person=carer, related_person=child, has_parental_responsibility=True)
    with pytest.raises(ValidationError) as excinfo:
        relationship_record(**fields)
    assert field in excinfo.value.message_dict
    assert not Relationship.objects.exists()
    assert not entries(kind=EntryKind.RELATIONSHIP_RECORDED)


def test_same_active_relationship_is_refused(practitioner):
    child = create(practitioner)
    carer = create(practitioner, kind=PersonKind.PARENT_CARER, given_name="M", nhs_number=None)
    relationship_record(
        actor=practitioner, person=child, related_person=carer, relationship_type="carer"
    )
    with pytest.raises(ValidationError) as excinfo:
        relationship_record(
            actor=practitioner, person=child, related_person=carer, relationship_type="carer"
        )
    assert "already recorded" in excinfo.value.message_dict["relationship_type"][0]
    assert Relationship.objects.count() == 1


def test_relationship_end_keeps_the_row_and_frees_the_pair(practitioner):
    child = create(practitioner)
    carer = create(practitioner, kind=PersonKind.PARENT_CARER, given_name="M", nhs_number=None)
    relationship = relationship_record(
        actor=practitioner,
        person=child,
        related_person=carer,
        relationship_type="carer",
        has_parental_responsibility=True,
        started_on=datetime.date(2020, 1, 1),
    )
    relationship_end(
        actor=practitioner, relationship=relationship, ended_on=datetime.date(2026, 1, 31)
    )
    assert Relationship.objects.get(pk=relationship.pk).ended_on == datetime.date(2026, 1, 31)
    assert selectors.parental_responsibility_holders(child=child) == []
    on_the_day = selectors.parental_responsibility_holders(
        child=child, on=datetime.date(2026, 1, 31)
    )
    assert on_the_day == [carer]
    (entry,) = entries(child, EntryKind.RELATIONSHIP_ENDED)
    assert entry.payload == {"relationship": str(relationship.pk), "ended_on": "2026-01-31"}
    # The same relationship can be recorded afresh, as a new row.
    relationship_record(
        actor=practitioner, person=child, related_person=carer, relationship_type="carer"
    )
    assert Relationship.objects.filter(person=child).count() == 2


@pytest.mark.parametrize(
    ("ended_on", "message"),
    [
        (datetime.date(2019, 12, 31), "on or after the start date"),
        (datetime.date(2026, 6, 11), "today or in the past"),
    ],
)
def test_relationship_end_dates_are_checked(practitioner, ended_on, message):
    child = create(practitioner)
    carer = create(practitioner, kind=PersonKind.PARENT_CARER, given_name="M", nhs_number=None)
    relationship = relationship_record(
        actor=practitioner,
        person=child,
        related_person=carer,
        relationship_type="carer",
        started_on=datetime.date(2020, 1, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        relationship_end(actor=practitioner, relationship=relationship, ended_on=ended_on)
    assert message in excinfo.value.message_dict["ended_on"][0]
    assert Relationship.objects.get(pk=relationship.pk).ended_on is None
    assert not entries(child, EntryKind.RELATIONSHIP_ENDED)


def test_relationship_cannot_end_twice(practitioner):
    child = create(practitioner)
    carer = create(practitioner, kind=PersonKind.PARENT_CARER, given_name="M", nhs_number=None)
    relationship = relationship_record(
        actor=practitioner, person=child, related_person=carer, relationship_type="carer"
    )
    relationship_end(actor=practitioner, relationship=relationship)
    with pytest.raises(ValidationError) as excinfo:
        relationship_end(actor=practitioner, relationship=relationship)
    assert "already ended" in excinfo.value.message_dict["ended_on"][0]
    assert len(entries(child, EntryKind.RELATIONSHIP_ENDED)) == 1


# --- involvements ----------------------------------------------------------------------


def test_involvement_start_and_end(practitioner):
    person = make_person(nhs_number=None)
    involvement = involvement_start(
        actor=practitioner,
        agency=practitioner.agency,
        person=person,
        started_on=datetime.date(2026, 5, 1),
        reason="Early Help assessment",
    )
    (started,) = entries(person, EntryKind.INVOLVEMENT_STARTED)[-1:]
    assert started.agency_ref == str(practitioner.agency.pk)
    assert started.payload == {"involvement": str(involvement.pk), "started_on": "2026-05-01"}
    assert "Early Help" not in bytes(started.canonical).decode()
    # The reason is sealed at rest under the person's key, and opens again.
    stored = Involvement.objects.get(pk=involvement.pk)
    assert b"Early Help" not in bytes(stored.reason_enc)
    assert selectors.involvement_reason(stored) == "Early Help assessment"

    involvement_end(actor=practitioner, involvement=involvement)
    assert Involvement.objects.get(pk=involvement.pk).ended_on == TODAY
    (ended,) = entries(person, EntryKind.INVOLVEMENT_ENDED)
    assert ended.payload == {"involvement": str(involvement.pk), "ended_on": "2026-06-10"}
    assert ended.actor_ref == f"user:{practitioner.pk}"


def test_second_open_involvement_is_refused(practitioner):
    person = create(practitioner)
    with pytest.raises(ValidationError) as excinfo:
        involvement_start(actor=practitioner, agency=practitioner.agency, person=person)
    assert "already working" in excinfo.value.message_dict["agency"][0]
    assert Involvement.objects.filter(person=person).count() == 1


def test_involvement_start_for_another_agency_is_forbidden(practitioner):
    person = make_person()
    with pytest.raises(PermissionDenied):
        involvement_start(actor=practitioner, agency=AgencyFactory(), person=person)


def test_involvement_cannot_start_in_the_future(practitioner):
    person = make_person()
    with pytest.raises(ValidationError) as excinfo:
        involvement_start(
            actor=practitioner,
            agency=practitioner.agency,
            person=person,
            started_on=TODAY + datetime.timedelta(days=1),
        )
    assert "started_on" in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("ended_on", "message"),
    [
        (datetime.date(2026, 6, 9), "on or after the start date"),
        (datetime.date(2026, 6, 11), "today or in the past"),
    ],
)
def test_involvement_end_dates_are_checked(practitioner, ended_on, message):
    person = create(practitioner)
    involvement = Involvement.objects.get(person=person)
    with pytest.raises(ValidationError) as excinfo:
        involvement_end(actor=practitioner, involvement=involvement, ended_on=ended_on)
    assert message in excinfo.value.message_dict["ended_on"][0]
    assert Involvement.objects.get(pk=involvement.pk).ended_on is None
    assert not entries(person, EntryKind.INVOLVEMENT_ENDED)


def test_involvement_cannot_end_twice(practitioner):
    person = create(practitioner)
    involvement = Involvement.objects.get(person=person)
    involvement_end(actor=practitioner, involvement=involvement)
    with pytest.raises(ValidationError) as excinfo:
        involvement_end(actor=practitioner, involvement=involvement)
    assert "already ended" in excinfo.value.message_dict["ended_on"][0]
    assert len(entries(person, EntryKind.INVOLVEMENT_ENDED)) == 1
