"""Database constraints of decisions hold even when a service is bypassed."""

import pytest
from django.db import IntegrityError, transaction

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.core import clock
from safeshare.decisions.models import AidOutcome, ConsentState, Decision, DecisionOutcome

pytestmark = pytest.mark.django_db


def _row(author, **overrides):
    fields = dict(
        agency=author.agency,
        outcome=DecisionOutcome.NOT_SHARE,
        decided_by=author,
        decided_at=clock.now(),
        pack_id="scsp-2022",
        pack_version="1",
        purpose_enc=b"x",
        level_of_need="early_help_2",
        recommendation=AidOutcome.DO_NOT_SHARE,
        recommendation_explanation="",
        rationale_enc=b"x",
        information_considered_enc=b"x",
        consent_state=ConsentState.NOT_APPLICABLE,
    )
    fields.update(overrides)
    return Decision(**fields)


def test_decision_must_name_its_child_or_be_anonymised():
    author = staff(Role.PRACTITIONER)
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(author, subject=None, anonymised=False).save()
    _row(author, subject=None, anonymised=True).save()
    assert Decision.objects.count() == 1


def test_decision_is_superseded_once_and_both_are_kept():
    author = staff(Role.PRACTITIONER)
    child = person_for(author)
    first = _row(author, subject=child)
    first.save()
    second = _row(author, subject=child, supersedes=first)
    second.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(author, subject=child, supersedes=first).save()
    assert first.is_superseded and not second.is_superseded
    assert Decision.objects.count() == 2


def test_share_without_lawful_basis_is_refused_by_the_database():
    author = staff(Role.PRACTITIONER)
    child = person_for(author)
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(author, subject=child, outcome=DecisionOutcome.SHARE, lawful_basis="").save()
