"""The admin is for administrators with a verified session; no case content."""

import pytest
from django.contrib import admin
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.agencies.models import Membership, Role, User
from safeshare.agencies.tests.factories import AgencyFactory, staff
from safeshare.demo.testing import STAFF_BACKEND, sign_in_verified
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db

# Configuration and evidence only: staff, agencies, authenticators, lockouts, API
# tokens, and the read-only ledger (pseudonymous references, no case content).
ALLOWED_ADMIN_APPS = {"agencies", "otp_totp", "axes", "ledger", "api"}


@pytest.fixture
def admin_user():
    return staff(Role.ADMINISTRATOR)


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    sign_in_verified(client, admin_user)
    return client


def membership_form(membership: Membership, **changes) -> dict:
    data = {
        "agency": str(membership.agency.pk),
        "job_title": membership.job_title,
        "active": "on" if membership.active else "",
        "roles": sorted(membership.user.roles),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_admin_refuses_every_other_role(client, role):
    sign_in_verified(client, staff(role))
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/agencies/agency/").status_code == 403


def test_admin_refuses_a_superuser_without_the_administrator_role(client):
    user = staff(Role.PRACTITIONER)
    User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
    sign_in_verified(client, User.objects.get(pk=user.pk))
    assert client.get("/admin/").status_code == 403


def test_admin_refuses_an_administrator_without_the_second_factor(client, admin_user):
    client.force_login(admin_user, backend=STAFF_BACKEND)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_admin_login_form_is_never_a_way_in(client, admin_user):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_admin_opens_for_an_administrator_with_a_verified_session(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    body = response.content.decode()
    for name in ["Agencies", "Memberships", "Users", "Role grants", "TOTP devices"]:
        assert name in body


def test_no_case_content_is_registered_in_the_admin():
    labels = {model._meta.app_label for model in admin.site._registry}
    assert labels <= ALLOWED_ADMIN_APPS, labels - ALLOWED_ADMIN_APPS


def test_administrator_changes_another_members_roles_through_the_services(admin_client, admin_user):
    member = staff(Role.PRACTITIONER)
    membership = member.membership
    response = admin_client.post(
        f"/admin/agencies/membership/{membership.pk}/change/",
        membership_form(membership, roles=[Role.SAFEGUARDING_LEAD, Role.PRACTITIONER]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=member.pk).roles == {Role.PRACTITIONER, Role.SAFEGUARDING_LEAD}
    [entry] = Entry.objects.filter(kind=EntryKind.ROLE_GRANTED)
    assert entry.actor_ref == f"user:{admin_user.pk}"
    assert entry.payload == {"role": "safeguarding_lead"}


def test_administrator_moves_a_member_to_another_agency(admin_client):
    member = staff(Role.PRACTITIONER)
    elsewhere = AgencyFactory()
    response = admin_client.post(
        f"/admin/agencies/membership/{member.membership.pk}/change/",
        membership_form(member.membership, agency=str(elsewhere.pk)),
    )
    assert response.status_code == 302
    assert User.objects.get(pk=member.pk).agency == elsewhere
    assert Entry.objects.filter(kind=EntryKind.MEMBERSHIP_CHANGED).count() == 1


def test_administrator_cannot_change_their_own_membership(admin_client, admin_user):
    membership = admin_user.membership
    page = admin_client.get(f"/admin/agencies/membership/{membership.pk}/change/")
    assert page.status_code == 200
    assert 'name="roles"' not in page.content.decode()  # shown read-only
    response = admin_client.post(
        f"/admin/agencies/membership/{membership.pk}/change/",
        membership_form(membership, roles=[Role.ADMINISTRATOR, Role.AUDITOR]),
    )
    assert response.status_code == 403
    assert User.objects.get(pk=admin_user.pk).roles == {Role.ADMINISTRATOR}
    # Nothing changed; only the refusal itself is recorded (issue #11 item 2).
    assert list(Entry.objects.values_list("kind", flat=True)) == ["access.refused"]


def test_administrator_adds_a_membership(admin_client):
    newcomer = User.objects.create_user("newcomer", password="a-long-password-1")
    agency = AgencyFactory()
    response = admin_client.post(
        "/admin/agencies/membership/add/",
        {
            "user": str(newcomer.pk),
            "agency": str(agency.pk),
            "job_title": "Practitioner",
            "active": "on",
            "roles": [Role.PRACTITIONER],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(pk=newcomer.pk).roles == {Role.PRACTITIONER}


def test_role_grants_are_read_only_in_the_admin(admin_client):
    member = staff(Role.PRACTITIONER)
    grant = member.membership.role_grants.get()
    assert admin_client.get("/admin/agencies/rolegrant/add/").status_code == 403
    response = admin_client.post(
        f"/admin/agencies/rolegrant/{grant.pk}/change/", {"role": Role.ADMINISTRATOR}
    )
    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.role == Role.PRACTITIONER


def test_the_user_screen_offers_no_superuser_or_permission_flags(admin_client):
    member = staff(Role.PRACTITIONER)
    body = admin_client.get(f"/admin/agencies/user/{member.pk}/change/").content.decode()
    assert 'name="first_name"' in body
    for flag in ["is_superuser", "is_staff", "user_permissions", "groups"]:
        assert f'name="{flag}"' not in body


def test_authenticator_screen_never_shows_the_secret(admin_client):
    member = staff(Role.PRACTITIONER)
    device = TOTPDevice.objects.create(user=member, name="Phone", confirmed=True)
    body = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in body
    assert "otpauth" not in body
    listing = admin_client.get("/admin/otp_totp/totpdevice/").content.decode()
    assert device.key not in listing and "qrcode" not in listing


def test_administrator_removes_a_lost_authenticator(admin_client):
    member = staff(Role.PRACTITIONER)
    device = TOTPDevice.objects.create(user=member, name="Phone", confirmed=True)
    response = admin_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert Entry.objects.filter(kind=EntryKind.USER_TWO_FACTOR_RESET).count() == 1


def test_administrator_cannot_remove_their_own_authenticator(admin_client, admin_user):
    own = TOTPDevice.objects.get(user=admin_user)
    response = admin_client.post(f"/admin/otp_totp/totpdevice/{own.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(pk=own.pk).exists()
