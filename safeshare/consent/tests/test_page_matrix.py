"""Consent pages × role × relation: 200 where allowed, 403 for a forbidden action,
404 (identical to a missing record) outside the user's scope."""

import pytest
from django.test import Client

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.web.testing import sign_in_verified

pytestmark = pytest.mark.django_db

MATRIX_PAGES = {"consent:conflicts"}

CASE_ROLES = {
    Role.PRACTITIONER,
    Role.SAFEGUARDING_LEAD,
    Role.LEAD_INFORMATION_OFFICER,
    Role.DATA_PROTECTION_OFFICER,
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("active", [True, False])
def test_conflicts_list_is_for_case_roles_with_a_membership(role, active):
    user = staff(role, agency=AgencyFactory(), active=active)
    client = Client()
    sign_in_verified(client, user)
    response = client.get("/consent/conflicts/")
    assert response.status_code == (200 if role in CASE_ROLES and active else 403)
