"""The record checks `safeshare ledger verify --records` runs (issue #6 item 6): every
share is read and compared with its receipt. Tampering cases are in
ledger/tests/test_tamper.py."""

import pytest

from safeshare.access.tests.helpers import person_for
from safeshare.casework.integrity import RECORD_CHECKS
from safeshare.exchange.tests.helpers import send
from safeshare.ledger.records import verify_records

pytestmark = pytest.mark.django_db


def test_the_record_checks_read_every_share_and_find_them_in_agreement(sender, trust):
    child = person_for(sender)
    send(sender, child, trust)
    send(sender, child, trust)

    [report] = verify_records(RECORD_CHECKS)

    assert (report.name, report.checked, report.bad, report.problems) == ("shares", 2, 0, [])
