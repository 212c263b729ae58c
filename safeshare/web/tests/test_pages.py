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


# What the protocol asks of these roles but safeshare does not do yet: home must
# not offer it. Remove a phrase here in the change that builds what it names.
NOT_BUILT = (
    "rights request",
    "subject access",
    "breach",
    "complaint",
    "practice review",
    "quality-assurance",
    "statistics",
    "retention",
    "escalate",
)


def _section(body: str, heading: str) -> str:
    start = body.index(f">{heading}</h2>")
    return body[start : body.index("</section>", start)]


@pytest.mark.parametrize("role", list(SECTION_HEADINGS))
def test_home_offers_only_what_its_reader_can_open(client, role):
    """Every link in a role's section opens for someone holding only that role,
    and no section promises a function that is not built."""
    user = staff(role)
    sign_in_verified(client, user)
    section = _section(client.get("/").content.decode(), SECTION_HEADINGS[role])
    links = re.findall(r'href="([^"]+)"', section)
    assert links, f"the {role} section offers nothing to open"
    for link in links:
        response = client.get(link, follow=True)
        assert response.status_code == 200, f"{role}: {link} gave {response.status_code}"
    text = re.sub(r"<[^>]+>", " ", section).lower()
    assert [phrase for phrase in NOT_BUILT if phrase in text] == []
