"""The decision page leads on to building the share, only where that is allowed."""

import pytest
from django.test import Client

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.decisions.services import DecisionDraft, decision_record
from safeshare.decisions.tests.helpers import not_share_fields, record_share
from safeshare.demo.testing import sign_in_verified

pytestmark = pytest.mark.django_db


def page_for(user, decision) -> str:
    client = Client()
    sign_in_verified(client, user)
    response = client.get(f"/decisions/{decision.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_decision_to_share_links_to_building_the_share():
    author = staff(Role.PRACTITIONER)
    decision = record_share(author, person_for(author))
    assert f"/exchange/shares/new/{decision.pk}/" in page_for(author, decision)
    # A data protection officer may read the decision but does not send shares.
    dpo = staff(Role.DATA_PROTECTION_OFFICER, agency=author.agency)
    assert "/exchange/shares/new/" not in page_for(dpo, decision)


def test_decision_not_to_share_offers_no_share():
    author = staff(Role.PRACTITIONER)
    decision = decision_record(
        actor=author, subject=person_for(author), draft=DecisionDraft(**not_share_fields())
    )
    assert "/exchange/shares/new/" not in page_for(author, decision)
