"""The demo families (demo/people.py): fictional, deterministic, loaded once."""

import datetime

import pytest
import time_machine

from safeshare.agencies.tests.factories import AgencyFactory
from safeshare.core import crypto
from safeshare.demo.people import demo_people_load
from safeshare.ledger.models import Entry
from safeshare.people import selectors
from safeshare.people.models import Involvement, Person, PersonKind, Relationship

pytestmark = pytest.mark.django_db

CODES = ["council", "trust", "icb", "police", "hollins", "brookfield", "harbour"]


@pytest.fixture
def agencies():
    return {code: AgencyFactory(code=code, name=f"Demo {code}") for code in CODES}


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(datetime.datetime(2026, 5, 3, 9, 0, tzinfo=datetime.UTC)):
        yield


def snapshot():
    people = Person.objects.order_by("created_at", "id")
    return sorted(
        (
            p.kind,
            selectors.person_identity(p).full_name,
            selectors.person_identity(p).date_of_birth,
            selectors.person_identity(p).nhs_number,
        )
        for p in people
    )


def test_demo_people_are_realistic_and_fictional(agencies):
    summary = demo_people_load(agencies=agencies, actor_ref="system:demo_load")
    assert summary["loaded"] is True
    children = Person.objects.filter(kind=PersonKind.CHILD)
    assert 50 <= children.count() <= 52
    assert summary["children"] == children.count()
    assert summary["people"] == Person.objects.count()
    assert summary["relationships"] == Relationship.objects.count()
    assert summary["involvements"] == Involvement.objects.count()
    today = datetime.date(2026, 5, 3)
    for child in children:
        identity = selectors.person_identity(child)
        assert 0 <= identity.age_on(today) <= 17
        # Every child has someone with parental responsibility.
        assert selectors.parental_responsibility_holders(child=child)
    numbers = [selectors.person_identity(p).nhs_number for p in Person.objects.all()]
    known = [n for n in numbers if n]
    assert len(known) == len(set(known)) > 50
    for number in known:
        assert number.startswith("999")
        assert crypto.normalise_nhs_number(number) == number
    kinds = set(Person.objects.values_list("kind", flat=True))
    assert kinds >= {PersonKind.CHILD, PersonKind.PARENT_CARER}
    assert Relationship.objects.filter(has_parental_responsibility=False).exists()
    assert Relationship.objects.filter(relationship_type="sibling").exists()
    used = set(Involvement.objects.values_list("agency__code", flat=True))
    assert used == set(CODES)
    assert Entry.objects.filter(actor_ref="system:demo_load", kind="person.created").count() == (
        Person.objects.count()
    )


def test_demo_people_load_once(agencies):
    demo_people_load(agencies=agencies, actor_ref="system:demo_load")
    people, entries = Person.objects.count(), Entry.objects.count()
    again = demo_people_load(agencies=agencies, actor_ref="system:demo_load")
    assert again["loaded"] is False
    assert (Person.objects.count(), Entry.objects.count()) == (people, entries)


def test_demo_people_are_deterministic(agencies):
    demo_people_load(agencies=agencies, actor_ref="system:demo_load")
    first = snapshot()
    Relationship.objects.all().delete()
    Involvement.objects.all().delete()
    Person.objects.all().delete()
    demo_people_load(agencies=agencies, actor_ref="system:demo_load")
    assert snapshot() == first
