"""Fetch helpers and `require` say what was refused, for the `access.refused` entry
(issue #11 item 2), while missing, malformed and out-of-scope ids stay alike."""

import uuid

import pytest

from safeshare.access.actions import Action, Relation
from safeshare.access.fetch.decisions import get_decision_for, get_own_decision_for
from safeshare.access.fetch.people import get_person_for
from safeshare.access.policy import attempt_on, require
from safeshare.access.rules.decisions import DecisionTarget
from safeshare.access.tests.test_matrix import world  # noqa: F401
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.core.errors import AccessAttempt, Forbidden, NotFound

pytestmark = pytest.mark.django_db


def test_out_of_scope_and_missing_ids_carry_the_id_as_requested(world):  # noqa: F811
    user = staff(Role.PRACTITIONER, agency=world["home"])
    hidden = world["records"][Relation.OTHER_AGENCY]
    missing = uuid.uuid4()
    for key in (hidden.id, str(missing)):
        with pytest.raises(NotFound) as refused:
            get_person_for(user, key, action=Action.PERSON_VIEW)
        assert refused.value.attempt == AccessAttempt(
            action="person.view", object_kind="people.person", object_id=str(key)
        )
        assert str(refused.value) == "person not found"


def test_a_malformed_id_is_marked_malformed_and_not_kept(world):  # noqa: F811
    user = staff(Role.PRACTITIONER, agency=world["home"])
    for fetch in (get_decision_for, get_own_decision_for):
        with pytest.raises(NotFound) as refused:
            fetch(user, "<b>not-an-id</b>", action=Action.DECISION_VIEW)
        attempt = refused.value.attempt
        assert attempt.object_id is None and attempt.object_id_malformed is True
        assert attempt.object_kind == "decisions.decision"
        assert "not-an-id" not in repr(attempt)


def test_a_fetch_with_an_action_also_requires_it(world):  # noqa: F811
    user = staff(Role.PRACTITIONER, agency=world["home"])
    own = world["records"][Relation.OWN_AGENCY]
    assert get_person_for(user, own.id, action=Action.PERSON_EDIT) == own
    with pytest.raises(Forbidden) as refused:
        get_person_for(user, own.id, action=Action.PERSON_SHRED)
    assert refused.value.attempt == AccessAttempt(
        action="person.shred", object_kind="people.person", object_id=str(own.id)
    )


def test_require_names_the_record_a_target_holds_and_none_for_global_actions(world):  # noqa: F811
    admin = staff(Role.ADMINISTRATOR, agency=world["home"])
    own = world["records"][Relation.OWN_AGENCY]
    with pytest.raises(Forbidden) as on_target:
        require(admin, Action.DECISION_RECORD, DecisionTarget(subject=own))
    assert on_target.value.attempt.object_id == str(own.id)
    with pytest.raises(Forbidden) as on_global:
        require(admin, Action.LEDGER_READ)
    assert on_global.value.attempt == AccessAttempt(action="ledger.read")
    assert attempt_on(Action.DECISION_RECORD, DecisionTarget(subject=None)) == AccessAttempt(
        action="decision.record"
    )
