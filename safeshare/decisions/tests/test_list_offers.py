"""The decision lists offer "Decide whether to share" only to those who may decide.

A lead information officer sees their agency's decisions but records none; a
link that answers 403 is a dead end (found by `web/tests/test_every_page.py`).
"""

import pytest

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.demo.testing import sign_in_verified

pytestmark = pytest.mark.django_db

OFFER = "Decide whether to share"


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        (Role.PRACTITIONER, True),
        (Role.SAFEGUARDING_LEAD, True),
        (Role.LEAD_INFORMATION_OFFICER, False),
        (Role.DATA_PROTECTION_OFFICER, False),
    ],
)
def test_the_decision_list_offers_the_aid_only_to_those_who_may_decide(client, role, offered):
    user = staff(role)
    sign_in_verified(client, user)
    page = client.get("/decisions/")
    assert page.status_code == 200
    assert (OFFER in page.content.decode()) is offered
    aid = client.get("/decisions/aid/")
    assert aid.status_code == (200 if offered else 403)
