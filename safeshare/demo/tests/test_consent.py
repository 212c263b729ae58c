"""The demo shows every part of consent (issue #5) and keeps the ledger intact."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from safeshare.agencies.models import User
from safeshare.consent import selectors, validity
from safeshare.consent.models import (
    CapacityAssessment,
    CapacityConclusion,
    ConflictOutcome,
    Consent,
    ConsentConflict,
    ConsentDecision,
    GiverRole,
    PrivacyNotice,
)
from safeshare.core import clock
from safeshare.decisions.models import Decision
from safeshare.demo import consent as demo_consent
from safeshare.demo.partnership import demo_load
from safeshare.exchange.models import ContinuedUse, Share
from safeshare.exchange.selectors import withdrawal_for_share
from safeshare.ledger.models import Entry
from safeshare.people.identity import read_identity
from safeshare.people.models import Person, PersonKind
from safeshare.people.selectors import parental_responsibility_holders

pytestmark = pytest.mark.django_db


def test_demo_holds_every_part_of_consent_and_the_ledger_verifies(settings):
    settings.SAFESHARE_DEMO = True
    demo_load()

    given = Consent.objects.filter(decision=ConsentDecision.GIVEN)
    by_parents = given.filter(giver_role=GiverRole.PARENTAL_RESPONSIBILITY)
    assert by_parents.count() >= 5
    assert len({tuple(c.categories) for c in by_parents}) >= 3  # varied scope
    # A young person of 16 or 17 consents for themselves without an assessment; a child
    # under 16 only after one found them able.
    own = given.filter(giver_role=GiverRole.CHILD)
    assert own.filter(giver_age__in=[16, 17], capacity_assessment__isnull=True).exists()
    under_16 = own.get(giver_age__lt=16)
    assert under_16.capacity_assessment.conclusion == CapacityConclusion.HAS_CAPACITY
    assert under_16.capacity_assessment.person == under_16.child

    refusals = Consent.objects.filter(decision=ConsentDecision.REFUSED)
    assert refusals.count() >= 3
    for refusal in refusals:
        assert selectors.sealed(refusal.child, refusal, "reasons")
    lacking = CapacityAssessment.objects.get(conclusion=CapacityConclusion.LACKS_CAPACITY)
    assert lacking.person.kind == PersonKind.PARENT_CARER
    assert given.filter(child=lacking.child).exclude(given_by=lacking.person).exists()

    # A competent child refuses where a parent consents: one awaits the lead, one is guided.
    conflicts = ConsentConflict.objects.select_related("consent", "refusal")
    assert conflicts.count() == 2
    assert {c.refusal.giver_role for c in conflicts} == {GiverRole.CHILD}
    open_conflict = conflicts.get(guidance__isnull=True)
    guided = conflicts.get(guidance__isnull=False)
    assert guided.guidance.outcome == ConflictOutcome.REFUSAL_STANDS
    lead = User.objects.get(username=f"{open_conflict.agency.code}.dsl")
    assert list(selectors.conflicts_open(lead)) == [open_conflict]

    # A decision relied on a consent, a share went to two agencies, the consent was
    # withdrawn: both see the withdrawal, one has decided on continued use.
    decision = Decision.objects.get(consent_state="given")
    share = Share.objects.get(decision=decision)
    withdrawal = withdrawal_for_share(share)
    assert withdrawal is not None and withdrawal.consent == decision.consent
    assert withdrawal.withdrawn_at > share.sent_at
    assert share.recipients.count() == 2
    assert ContinuedUse.objects.filter(recipient__share=share).count() == 1
    need = validity.Need(child=share.subject, agency=share.sender_agency, at=clock.now())
    assert "consent_withdrawn" in {p.code for p in validity.problems(decision.consent, need)}

    # Every story happened in the past.
    now = clock.now()
    assert all(c.given_at < now and c.recorded_at <= now for c in Consent.objects.all())

    # The notice at first contact: most children told, some not yet.
    children = Person.objects.filter(kind=PersonKind.CHILD)
    told = children.filter(privacy_notices__isnull=False).distinct().count()
    assert children.count() / 2 < told < children.count()
    practitioners = User.objects.filter(username__endswith=".practitioner")
    assert any(selectors.people_without_notice(user).exists() for user in practitioners)
    assert PrivacyNotice.objects.filter(told_to__isnull=False).exists()
    for consent in Consent.objects.all():  # the family was told before being asked
        assert PrivacyNotice.objects.filter(
            person=consent.child,
            agency=consent.agency,
            told_on__lte=timezone.localdate(consent.given_at),
        ).exists()

    # Loading again adds nothing, and the ledger is intact.
    counts = (Consent.objects.count(), PrivacyNotice.objects.count())
    demo_load()
    assert (Consent.objects.count(), PrivacyNotice.objects.count()) == counts
    out = io.StringIO()
    call_command("ledger_verify", "--no-progress", stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith("ledger intact")


def test_the_stories_add_children_when_no_generated_child_fits(settings, monkeypatch):
    """With no generated child to choose from, each story adds its own family through the
    people services, and every part of consent is still shown."""
    settings.SAFESHARE_DEMO = True
    monkeypatch.setattr(demo_consent._Loader, "load_children", lambda self: None)
    demo_load()
    stories = Consent.objects.order_by().values("child").distinct().count()
    assert stories == 11
    added = Person.objects.filter(kind=PersonKind.CHILD, consents__isnull=False).distinct()
    assert added.count() == stories
    for child in added:
        assert parental_responsibility_holders(child=child)
        created = Entry.objects.get(kind="person.created", subject_ref=child.reference)
        assert created.actor_ref.startswith("user:")
    young = Consent.objects.filter(giver_role=GiverRole.CHILD, giver_age__gte=16)
    assert {c.decision for c in young} == {ConsentDecision.GIVEN, ConsentDecision.REFUSED}
    assert {read_identity(c.child).age_on(clock.today()) for c in young} <= {16, 17}
    assert ConsentConflict.objects.filter(guidance__isnull=True).count() == 1
    assert ConsentConflict.objects.filter(guidance__isnull=False).count() == 1
    assert ContinuedUse.objects.count() == 1
