"""The demo exchange data: requests both ways with one overdue, shares, a referral."""

import pytest

from safeshare.agencies.models import Agency
from safeshare.core import clock
from safeshare.demo.exchange import demo_exchange_load
from safeshare.demo.partnership import demo_load
from safeshare.exchange import selectors
from safeshare.exchange.models import InformationRequest, Referral, Share
from safeshare.ledger.verify import verify_chain

pytestmark = pytest.mark.django_db


def test_demo_exchange_loads_once_with_an_overdue_request():
    demo_load()  # loads the demo exchange with the rest of the partnership
    agencies = {a.code: a for a in Agency.objects.all()}
    assert InformationRequest.objects.count() == 4
    statuses = sorted(selectors.request_status(r) for r in InformationRequest.objects.all())
    assert statuses == ["answered_declined", "answered_shared", "open", "overdue"]
    overdue = InformationRequest.objects.get(due_on__lt=clock.today())
    assert overdue.raised_at.date() < overdue.due_on
    assert Share.objects.filter(is_file_transfer=True, receipt_due_on__isnull=False).exists()
    assert Referral.objects.count() == 1
    assert verify_chain().ok
    assert demo_exchange_load(agencies=agencies)["loaded"] is False
