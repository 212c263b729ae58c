"""The demo partnership holds agencies, staff of every role, and children with families."""

import pytest

from safeshare.agencies.models import Agency, AgencyType, Role, RoleGrant
from safeshare.decisions.models import AdviceRequest, Decision, DecisionOutcome
from safeshare.demo.partnership import demo_load
from safeshare.exchange.models import InformationRequest, Referral, Share
from safeshare.ledger.verify import verify_chain
from safeshare.people.models import Involvement, Person, PersonKind, Relationship

pytestmark = pytest.mark.django_db


def test_demo_partnership_is_complete_and_loads_once(settings):
    settings.SAFESHARE_DEMO = True
    demo_load()
    counts = (Person.objects.count(), Relationship.objects.count(), Involvement.objects.count())
    types = list(Agency.objects.values_list("agency_type", flat=True))
    # The protocol's signatories: council, trust, ICB, police, two schools, a commissioned
    # service, and the partnership's own business unit.
    assert sorted(types) == sorted(
        [
            AgencyType.LOCAL_AUTHORITY,
            AgencyType.CHILDRENS_TRUST,
            AgencyType.INTEGRATED_CARE_BOARD,
            AgencyType.POLICE,
            AgencyType.SCHOOL,
            AgencyType.SCHOOL,
            AgencyType.COMMISSIONED_SERVICE,
            AgencyType.PARTNERSHIP,
        ]
    )
    assert set(RoleGrant.objects.values_list("role", flat=True)) == set(Role.values)
    assert Person.objects.filter(kind=PersonKind.CHILD).count() == 50
    assert Relationship.objects.filter(has_parental_responsibility=True).exists()
    # Every child is worked with by at least one agency.
    assert not Person.objects.filter(kind=PersonKind.CHILD, involvements__isnull=True).exists()
    decisions = {d.outcome for d in Decision.objects.all()}
    assert decisions == {DecisionOutcome.SHARE, DecisionOutcome.NOT_SHARE}
    assert AdviceRequest.objects.exists()
    assert Share.objects.exists() and Referral.objects.exists()
    assert InformationRequest.objects.count() >= 2
    decision_count = Decision.objects.count()
    demo_load()
    assert Decision.objects.count() == decision_count
    assert (
        Person.objects.count(),
        Relationship.objects.count(),
        Involvement.objects.count(),
    ) == counts
    assert verify_chain(checkpoint=None).ok
