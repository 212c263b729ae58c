"""The demo decisions load through the services: both ways, a departure, advice."""

import pytest

from safeshare.agencies.models import Agency
from safeshare.decisions.models import AdviceResponse, Decision
from safeshare.demo.decisions import demo_decisions_load
from safeshare.demo.partnership import demo_load
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db


def test_demo_decisions_load_once_with_every_kind_of_decision():
    demo_load()
    agencies = {a.code: a for a in Agency.objects.all()}
    # The coordinator may already call demo_decisions_load from demo_load.
    if not Decision.objects.exists():
        assert demo_decisions_load(agencies=agencies)["loaded"] is True
    outcomes = set(Decision.objects.values_list("outcome", flat=True))
    assert outcomes == {"share", "not_share"}
    assert Decision.objects.filter(departs_from_recommendation=True, reviews__isnull=True).exists()
    assert Decision.objects.filter(supersedes__isnull=False).count() == 1
    assert AdviceResponse.objects.count() >= 1
    assert Decision.objects.filter(advice_requests__isnull=False).exists()
    assert Entry.objects.filter(kind="decision.recorded").count() >= 4
    assert demo_decisions_load(agencies=agencies)["loaded"] is False
