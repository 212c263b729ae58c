import datetime

import pytest
from django.core.exceptions import ValidationError

from safeshare.agencies.tests.factories import AgencyFactory
from safeshare.people import selectors
from safeshare.people.models import Involvement, Person, PersonKind
from safeshare.people.services.involvements import involvement_end
from safeshare.people.services.people import person_shred
from safeshare.people.services.relationships import relationship_record
from safeshare.people.tests.factories import SYSTEM, make_person, test_nhs_number

pytestmark = pytest.mark.django_db

DOB = datetime.date(2014, 2, 5)
NHS = test_nhs_number(3)


def everyone():
    return Person.objects.all()


# --- NHS number ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [NHS, f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}", f" {NHS[:5]}-{NHS[5:]}"])
def test_find_by_nhs_number_ignores_spacing(typed):
    person = make_person(nhs_number=NHS)
    make_person(nhs_number=test_nhs_number(4))
    assert selectors.person_find_by_nhs_number(queryset=everyone(), nhs_number=typed) == person


def test_find_by_nhs_number_stays_within_the_scoped_queryset():
    mine, theirs = AgencyFactory(), AgencyFactory()
    make_person(agency=theirs, nhs_number=NHS)
    scoped = Person.objects.filter(involvements__agency=mine)
    assert selectors.person_find_by_nhs_number(queryset=scoped, nhs_number=NHS) is None


def test_find_by_unknown_nhs_number_is_none():
    make_person(nhs_number=NHS)
    other = test_nhs_number(5)
    assert selectors.person_find_by_nhs_number(queryset=everyone(), nhs_number=other) is None


def test_find_by_invalid_nhs_number_says_why():
    with pytest.raises(ValidationError) as excinfo:
        selectors.person_find_by_nhs_number(queryset=everyone(), nhs_number="123")
    assert "check digit" in excinfo.value.message_dict["nhs_number"][0]


# --- name and date of birth ------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "family"),
    [
        ("Zoë", "Smith-Jones"),
        ("zoe", "smith jones"),
        ("  ZOE ", "SMITHJONES"),
        ("Zoé", "Smith–Jones"),  # an en dash, as word processors type it
    ],
)
def test_find_by_name_and_dob_matches_variants(given, family):
    person = make_person(given_name="Zoë", family_name="Smith-Jones", date_of_birth=DOB)
    found = selectors.person_find_by_name_and_dob(
        queryset=everyone(), given_name=given, family_name=family, date_of_birth=DOB
    )
    assert list(found) == [person]


@pytest.mark.parametrize(
    ("given", "family", "dob"),
    [
        ("Zoë", "Smith-Jones", DOB + datetime.timedelta(days=1)),
        ("Zoey", "Smith-Jones", DOB),
        ("Smith-Jones", "Zoë", DOB),
        ("Zoë", "Smith", DOB),
    ],
)
def test_find_by_name_and_dob_needs_exact_match(given, family, dob):
    make_person(given_name="Zoë", family_name="Smith-Jones", date_of_birth=DOB)
    found = selectors.person_find_by_name_and_dob(
        queryset=everyone(), given_name=given, family_name=family, date_of_birth=dob
    )
    assert not found.exists()


def test_find_by_name_and_dob_returns_every_match():
    first = make_person(given_name="Sam", family_name="Lee", date_of_birth=DOB)
    second = make_person(given_name="Sam", family_name="Lee", date_of_birth=DOB)
    found = selectors.person_find_by_name_and_dob(
        queryset=everyone(), given_name="sam", family_name="lee", date_of_birth=DOB
    )
    assert set(found) == {first, second}


def test_find_by_name_and_dob_refuses_empty_search():
    with pytest.raises(ValidationError) as excinfo:
        selectors.person_find_by_name_and_dob(
            queryset=everyone(), given_name=" ", family_name="'", date_of_birth="2014-02-05"
        )
    assert set(excinfo.value.message_dict) == {"given_name", "family_name", "date_of_birth"}


# --- lists -----------------------------------------------------------------------------


def test_people_for_agency_lists_open_involvements():
    agency = AgencyFactory()
    current = make_person(agency=agency)
    former = make_person(agency=agency)
    make_person()  # another agency's
    involvement = Involvement.objects.get(person=former)
    involvement_end(actor=None, actor_ref=SYSTEM, involvement=involvement)
    assert list(selectors.people_for_agency(queryset=everyone(), agency=agency)) == [current]
    everyone_ever = selectors.people_for_agency(
        queryset=everyone(), agency=agency, include_ended=True
    )
    assert set(everyone_ever) == {current, former}


def test_identities_of_a_list_cost_no_queries(django_assert_num_queries):
    agency = AgencyFactory()
    for index in range(5):
        make_person(agency=agency, given_name=f"Child{index}")
    people = list(
        selectors.people_with_involvements(
            queryset=selectors.people_for_agency(queryset=everyone(), agency=agency)
        )
    )
    with django_assert_num_queries(0):
        identities = selectors.person_identities(people)
        names = sorted(identity.given_name for identity in identities.values())
        agencies = {inv.agency.code for person in people for inv in person.open_involvements}
    assert names == [f"Child{index}" for index in range(5)]
    assert agencies == {agency.code}


def test_relationships_for_person_both_ways_in_one_query(django_assert_num_queries):
    child = make_person()
    mother = make_person(kind=PersonKind.PARENT_CARER)
    sibling = make_person()
    relationship_record(
        actor=None,
        actor_ref=SYSTEM,
        person=child,
        related_person=mother,
        relationship_type="mother",
    )
    relationship_record(
        actor=None,
        actor_ref=SYSTEM,
        person=sibling,
        related_person=child,
        relationship_type="sibling",
    )
    with django_assert_num_queries(1):
        pairs = {
            (r.person.pk, r.related_person.pk, r.relationship_type)
            for r in selectors.relationships_for_person(person=child)
        }
    assert pairs == {(child.pk, mother.pk, "mother"), (sibling.pk, child.pk, "sibling")}


def test_parental_responsibility_holders_on_a_date():
    child = make_person()
    mother, father, step, gran = (make_person(kind=PersonKind.PARENT_CARER) for _ in range(4))
    record = relationship_record
    record(
        actor=None,
        actor_ref=SYSTEM,
        person=child,
        related_person=mother,
        relationship_type="mother",
        has_parental_responsibility=True,
    )
    record(
        actor=None,
        actor_ref=SYSTEM,
        person=child,
        related_person=father,
        relationship_type="father",
        has_parental_responsibility=False,
    )
    record(
        actor=None,
        actor_ref=SYSTEM,
        person=child,
        related_person=step,
        relationship_type="step_parent",
        has_parental_responsibility=True,
        started_on=datetime.date(2020, 1, 1),
    )
    record(
        actor=None,
        actor_ref=SYSTEM,
        person=child,
        related_person=gran,
        relationship_type="special_guardian",
        has_parental_responsibility=True,
    )
    person_shred(actor=None, actor_ref=SYSTEM, person=gran, reason="recorded_in_error")
    holders = selectors.parental_responsibility_holders(child=child, on=datetime.date(2019, 1, 1))
    assert holders == [mother]
    assert selectors.parental_responsibility_holders(child=child) == [mother, step]
    assert selectors.parental_responsibility_holders(child=mother) == []
