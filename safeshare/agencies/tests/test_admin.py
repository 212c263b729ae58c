"""The admin is for administrators with a verified session; no case content."""

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.agencies import services
from safeshare.agencies.models import Agency, Membership, Role, User
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


def agency_form(**changes) -> dict:
    data = {
        "name": "Hillside Academy",
        "code": "hillside",
        "agency_type": "school",
        "partner_status": "relevant_agency",
        "ico_registration_number": "ZA123456",
        "dpo_name": "Dana Officer",
        "dpo_email": "dpo@hillside.test",
        "signed_on": "2026-01-12",
        "signed_by_name": "Sam Signatory",
        "signed_by_position": "Headteacher",
        "reaffirmation_due": "2028-01-12",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def agency_entries() -> list[Entry]:
    return list(
        Entry.objects.filter(
            kind__in=[EntryKind.AGENCY_CREATED, EntryKind.AGENCY_UPDATED]
        ).order_by("seq")
    )


def test_adding_an_agency_in_the_admin_is_ledgered_without_names(admin_client, admin_user):
    response = admin_client.post("/admin/agencies/agency/add/", agency_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    [entry] = agency_entries()
    agency = Agency.objects.get(code="hillside")
    assert (entry.kind, entry.actor_ref, entry.agency_ref) == (
        "agency.created",
        f"user:{admin_user.pk}",
        str(agency.pk),
    )
    assert entry.payload["values"]["signed_on"] == "2026-01-12"
    assert entry.payload["values"]["agency_type"] == "school"
    assert {"signed_by_name", "dpo_name", "dpo_email"} <= set(entry.payload["fields"])
    for personal in ("Sam Signatory", "Dana Officer", "dpo@hillside.test"):
        assert personal not in str(entry.payload)


def test_changing_the_signatory_in_the_admin_is_ledgered(admin_client):
    admin_client.post("/admin/agencies/agency/add/", agency_form())
    agency = Agency.objects.get(code="hillside")
    response = admin_client.post(
        f"/admin/agencies/agency/{agency.pk}/change/",
        agency_form(signed_by_name="Robin Newhead", reaffirmation_due="2028-02-01"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = agency_entries()[-1]
    assert entry.kind == "agency.updated"
    assert entry.payload == {
        "fields": ["reaffirmation_due", "signed_by_name"],
        "values": {"reaffirmation_due": "2028-02-01"},
    }
    assert Agency.objects.get(pk=agency.pk).signed_by_name == "Robin Newhead"


def test_saving_an_agency_unchanged_records_nothing(admin_client):
    admin_client.post("/admin/agencies/agency/add/", agency_form())
    agency = Agency.objects.get(code="hillside")
    response = admin_client.post(f"/admin/agencies/agency/{agency.pk}/change/", agency_form())
    assert response.status_code == 302
    assert [e.kind for e in agency_entries()] == ["agency.created"]


def test_a_reaffirmation_before_the_signature_is_refused_and_nothing_is_recorded(admin_client):
    response = admin_client.post(
        "/admin/agencies/agency/add/", agency_form(reaffirmation_due="2025-01-01")
    )
    assert response.status_code == 200  # the form again, with its error
    assert "errornote" in response.content.decode()
    assert not Agency.objects.filter(code="hillside").exists()
    assert agency_entries() == []


def test_the_agency_service_refuses_anyone_but_an_administrator():
    officer = staff(Role.PARTNERSHIP_OFFICER)
    agency = officer.agency
    with pytest.raises(PermissionDenied):
        services.agency_save(actor=officer, agency=agency, changed=["signed_on"])
    assert agency_entries() == []


def test_changing_a_staff_account_in_the_admin_is_ledgered_without_the_address(
    admin_client, admin_user
):
    member = staff(Role.PRACTITIONER)
    response = admin_client.post(
        f"/admin/agencies/user/{member.pk}/change/",
        {
            "username": member.username,
            "first_name": member.first_name,
            "last_name": member.last_name,
            "email": "new.address@agency.test",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    [entry] = Entry.objects.filter(kind=EntryKind.USER_UPDATED)
    assert entry.subject_ref == f"user:{member.pk}"
    assert entry.payload == {"fields": ["email"], "active": True}
    assert "new.address" not in str(entry.payload)


def test_setting_a_password_in_the_admin_is_ledgered_without_it(admin_client):
    member = staff(Role.PRACTITIONER)
    response = admin_client.post(
        f"/admin/agencies/user/{member.pk}/password/",
        {"password1": "another-long-passphrase-7", "password2": "another-long-passphrase-7"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    [entry] = Entry.objects.filter(kind=EntryKind.USER_UPDATED)
    assert entry.payload == {"fields": ["password"], "active": True}
    bad = admin_client.post(
        f"/admin/agencies/user/{member.pk}/password/",
        {"password1": "another-long-passphrase-8", "password2": "a-different-one-9"},
    )
    assert bad.status_code == 200
    assert Entry.objects.filter(kind=EntryKind.USER_UPDATED).count() == 1
