"""The access matrix: every role × relation × action, asserted cell by cell.

The expected table is written out here by hand, independently of the rules
module, so a change of policy must change this test too. Allowed and denied
cells share one setup, so a denial cannot pass for the wrong reason.
"""

import datetime
import itertools

import pytest

from safeshare.access.actions import Action, Relation
from safeshare.access.policy import can, person_relation, visible, visible_people_worked_with
from safeshare.access.rules.roles import CASE_ROLES
from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.core import clock
from safeshare.exchange.models import Share, ShareKind, ShareRecipient
from safeshare.people.models import Person

pytestmark = pytest.mark.django_db

ROLES = list(Role)
PERSON_ACTIONS = [Action.PERSON_VIEW, Action.PERSON_EDIT, Action.PERSON_SHRED]

P, DSL, LIO, DPO = (
    Role.PRACTITIONER,
    Role.SAFEGUARDING_LEAD,
    Role.LEAD_INFORMATION_OFFICER,
    Role.DATA_PROTECTION_OFFICER,
)
PO, AUD, ADM = Role.PARTNERSHIP_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR

EXPECTED_PERSON = {
    (Relation.OWN_AGENCY, Action.PERSON_VIEW): {P, DSL, LIO, DPO},
    (Relation.OWN_AGENCY, Action.PERSON_EDIT): {P, DSL},
    (Relation.OWN_AGENCY, Action.PERSON_SHRED): {DPO},
    (Relation.RECIPIENT, Action.PERSON_VIEW): {P, DSL, LIO, DPO},
    (Relation.RECIPIENT, Action.PERSON_EDIT): set(),
    (Relation.RECIPIENT, Action.PERSON_SHRED): set(),
    (Relation.OTHER_AGENCY, Action.PERSON_VIEW): set(),
    (Relation.OTHER_AGENCY, Action.PERSON_EDIT): set(),
    (Relation.OTHER_AGENCY, Action.PERSON_SHRED): set(),
    (Relation.NONE, Action.PERSON_VIEW): set(),
    (Relation.NONE, Action.PERSON_EDIT): set(),
    (Relation.NONE, Action.PERSON_SHRED): set(),
}

EXPECTED_GLOBAL = {
    Action.LEDGER_READ: {AUD},
    Action.LEDGER_CHECKPOINT: {AUD},
    Action.AGENCY_VIEW: set(ROLES),
    Action.AGENCY_CONFIGURE: {ADM},
    Action.USER_MANAGE: {ADM},
}


@pytest.fixture
def world():
    """Two agencies; records held by each; one shared from B to A; one share expired."""
    home, other = AgencyFactory(), AgencyFactory()
    author_home = staff(P, agency=home)
    author_other = staff(P, agency=other)
    own = person_for(author_home)
    elsewhere = person_for(author_other)
    shared = person_for(author_other)
    expired = person_for(author_other)
    now = clock.now()
    for subject, until in [(shared, now + datetime.timedelta(days=7)), (expired, now)]:
        share = Share.objects.create(
            sender_agency=other,
            subject=subject,
            kind=ShareKind.DISCLOSURE,
            sent_at=now - datetime.timedelta(days=30),
            access_until=until,
        )
        ShareRecipient.objects.create(share=share, agency=home)
    return {
        "home": home,
        "author_home": author_home,
        "other": other,
        "records": {
            Relation.OWN_AGENCY: own,
            Relation.RECIPIENT: shared,
            Relation.OTHER_AGENCY: elsewhere,
        },
        "expired": expired,
    }


def user_for(role, relation, world):
    return staff(role, agency=world["home"], active=relation != Relation.NONE)


def record_for(relation, world):
    return world["records"].get(relation, world["records"][Relation.OWN_AGENCY])


@pytest.mark.parametrize("role", ROLES)
def test_person_matrix(role, world):
    """Each role against each relation and person action, plus what `visible` lists."""
    failures = []
    for relation in Relation:
        user = user_for(role, relation, world)
        person = record_for(relation, world)
        assert person_relation(user, person) == relation
        listed = set(visible(user, Person.objects.all()).values_list("pk", flat=True))
        for action in PERSON_ACTIONS:
            expected = role in EXPECTED_PERSON[(relation, action)]
            if can(user, action, person) != expected:
                failures.append((relation, action, expected))
        if (person.pk in listed) != (role in EXPECTED_PERSON[(relation, Action.PERSON_VIEW)]):
            failures.append((relation, "visible", person.pk in listed))
    assert failures == []


@pytest.mark.parametrize("role", ROLES)
def test_expired_share_gives_no_access(role, world):
    user = staff(role, agency=world["home"])
    person = world["expired"]
    assert person_relation(user, person) == Relation.OTHER_AGENCY
    assert not any(can(user, action, person) for action in PERSON_ACTIONS)
    assert not visible(user, Person.objects.filter(pk=person.pk)).exists()


@pytest.mark.parametrize("role,active", list(itertools.product(ROLES, [True, False])))
def test_global_actions(role, active, world):
    user = staff(role, agency=world["home"], active=active)
    for action, roles in EXPECTED_GLOBAL.items():
        assert can(user, action) == (active and role in roles), action


@pytest.mark.parametrize("role", ROLES)
def test_person_create_only_for_own_agency(role, world):
    user = staff(role, agency=world["home"])
    assert can(user, Action.PERSON_CREATE, world["home"]) == (role in {P, DSL})
    assert not can(user, Action.PERSON_CREATE, world["other"])


def test_share_named_to_another_user_is_not_visible_to_colleagues(world):
    colleague, named = staff(P, agency=world["home"]), staff(P, agency=world["home"])
    recipient = ShareRecipient.objects.get(share__subject=world["records"][Relation.RECIPIENT])
    recipient.named_user = named
    recipient.save()
    person = world["records"][Relation.RECIPIENT]
    assert can(named, Action.PERSON_VIEW, person)
    assert not can(colleague, Action.PERSON_VIEW, person)


def test_revoked_share_gives_no_access(world):
    user = staff(P, agency=world["home"])
    person = world["records"][Relation.RECIPIENT]
    Share.objects.filter(subject=person).update(revoked_at=clock.now())
    assert not can(user, Action.PERSON_VIEW, person)


def test_anonymous_user_can_do_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not can(anonymous, Action.AGENCY_VIEW)
    assert not can(anonymous, Action.PERSON_VIEW, world["records"][Relation.OWN_AGENCY])
    assert not visible(anonymous, Person.objects.all()).exists()


@pytest.mark.parametrize("role", list(Role))
def test_people_worked_with_is_the_own_agency_part_of_visible(role, world):
    """The caseload's scope: never wider than `visible`, and without shares received."""
    user = staff(role, agency=world["home"])
    everyone = Person.objects.all()
    worked_with = set(visible_people_worked_with(user, everyone))
    assert worked_with <= set(visible(user, everyone))
    expected = {world["records"][Relation.OWN_AGENCY]} if role in CASE_ROLES else set()
    assert worked_with == expected
    assert world["records"][Relation.RECIPIENT] not in worked_with
    assert world["records"][Relation.OTHER_AGENCY] not in worked_with


def test_people_worked_with_is_nothing_without_an_agency(world):
    user = staff(P, agency=world["home"], active=False)
    assert not visible_people_worked_with(user, Person.objects.all()).exists()
