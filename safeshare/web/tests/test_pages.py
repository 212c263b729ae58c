"""Home per role, the header, and the health check (issue #3 item 9)."""

import re

import pytest

from safeshare.agencies import services
from safeshare.agencies.models import Membership, Role
from safeshare.agencies.tests.factories import staff
from safeshare.demo.testing import sign_in_verified

pytestmark = pytest.mark.django_db

SECTION_HEADINGS = {
    Role.PRACTITIONER: "Children your agency works with",
    Role.SAFEGUARDING_LEAD: "Safeguarding lead",
    Role.LEAD_INFORMATION_OFFICER: "Lead information officer",
    Role.DATA_PROTECTION_OFFICER: "Data protection officer",
    Role.PARTNERSHIP_OFFICER: "Partnership",
    Role.AUDITOR: "Audit",
    Role.ADMINISTRATOR: "Administration",
}


def headings(body: str) -> set[str]:
    return {h.strip() for h in re.findall(r'<h2 class="govuk-heading-m"[^>]*>([^<]+)</h2>', body)}


@pytest.mark.parametrize("role", list(SECTION_HEADINGS))
def test_home_page_shows_the_section_for_each_role_held(client, role):
    user = staff(role)
    sign_in_verified(client, user)
    body = client.get("/").content.decode()
    assert headings(body) == {SECTION_HEADINGS[role]}


def test_home_shows_every_role_of_a_user_with_several(client):
    user = staff(Role.PRACTITIONER, Role.SAFEGUARDING_LEAD)
    sign_in_verified(client, user)
    body = client.get("/").content.decode()
    assert headings(body) == {"Children your agency works with", "Safeguarding lead"}


def test_header_shows_agency_roles_and_sign_out(client):
    user = staff(Role.PRACTITIONER, Role.SAFEGUARDING_LEAD)
    sign_in_verified(client, user)
    body = client.get("/").content.decode()
    header = body.split("<header", 1)[1].split("</header>", 1)[0]
    assert "govuk-generic-header" in header
    assert "govuk-header__logotype" not in header  # no crown
    assert user.agency.name in header
    assert "Practitioner, Safeguarding lead or manager" in header
    assert 'action="/sign-out/"' in header
    assert 'name="csrfmiddlewaretoken"' in header
    assert "Administration" not in header


def test_administrators_get_a_link_to_administration(client, administrator):
    sign_in_verified(client, administrator)
    body = client.get("/").content.decode()
    assert 'href="/admin/"' in body


def test_a_user_without_roles_is_told_so(client):
    user = staff()
    sign_in_verified(client, user)
    body = client.get("/").content.decode()
    assert "You have no role in safeshare" in body


def test_role_change_takes_effect_on_the_next_request(client, administrator):
    user = staff(Role.PRACTITIONER)
    sign_in_verified(client, user)
    assert headings(client.get("/").content.decode()) == {SECTION_HEADINGS[Role.PRACTITIONER]}
    services.membership_set_roles(
        actor=administrator, membership=user.membership, roles=[Role.AUDITOR]
    )
    assert headings(client.get("/").content.decode()) == {SECTION_HEADINGS[Role.AUDITOR]}


def test_suspended_membership_takes_effect_on_the_next_request(client, administrator):
    user = staff(Role.PRACTITIONER)
    sign_in_verified(client, user)
    services.membership_set_active(
        actor=administrator, membership=Membership.objects.get(user=user), active=False
    )
    body = client.get("/").content.decode()
    assert "You have no role in safeshare" in body


def test_health_check_answers_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
