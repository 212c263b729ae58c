"""The person page (`people:detail`): one answer for a missing person and one out of
scope, and the next steps offered only to those who may take them. The page's place
in the role × relation matrix is tested with the other people pages
(people/tests/test_page_matrix.py)."""

import re
import uuid

import pytest
from django.test import Client

from safeshare.access.actions import Relation
from safeshare.access.tests.test_matrix import world  # noqa: F401
from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.demo.testing import sign_in_verified

pytestmark = pytest.mark.django_db


def without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_missing_and_out_of_scope_person_pages_are_identical(world):  # noqa: F811
    user = staff(Role.PRACTITIONER, agency=world["home"])
    client = Client()
    sign_in_verified(client, user)
    missing = client.get(f"/people/{uuid.uuid4()}/")
    hidden = client.get(f"/people/{world['records'][Relation.OTHER_AGENCY].pk}/")
    assert missing.status_code == hidden.status_code == 404
    # Pages differ only by the sign-out form's CSRF token, which is masked anew each time.
    assert without_csrf(missing) == without_csrf(hidden)


def test_person_page_offers_the_next_steps_only_to_those_who_may_take_them(world):  # noqa: F811
    own = world["records"][Relation.OWN_AGENCY]
    shared = world["records"][Relation.RECIPIENT]
    practitioner = staff(Role.PRACTITIONER, agency=world["home"])
    client = Client()
    sign_in_verified(client, practitioner)
    page = client.get(f"/people/{own.pk}/").content.decode()
    for link in (
        f"/decisions/aid/?person={own.pk}",
        f"/exchange/requests/new/{own.pk}/",
        f"/exchange/referrals/new/{own.pk}/",
        f"/decisions/people/{own.pk}/",
    ):
        assert link in page
    received = client.get(f"/people/{shared.pk}/").content.decode()
    assert "/decisions/aid/" not in received and "/exchange/referrals/new/" not in received
    dpo = staff(Role.DATA_PROTECTION_OFFICER, agency=world["home"])
    client = Client()
    sign_in_verified(client, dpo)
    assert "/exchange/requests/new/" not in client.get(f"/people/{own.pk}/").content.decode()
