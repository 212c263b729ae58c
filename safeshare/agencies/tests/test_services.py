"""Memberships and roles change only through the services (issue #3 items 2 and 6)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.agencies import services
from safeshare.agencies.models import Membership, Role, RoleGrant, User
from safeshare.agencies.tests.factories import AgencyFactory, UserFactory, staff
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.models import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return staff(Role.ADMINISTRATOR)


@pytest.fixture
def member():
    return staff(Role.PRACTITIONER)


def ledger(kind=None):
    queryset = Entry.objects.order_by("seq")
    return list(queryset.filter(kind=kind) if kind else queryset)


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_set_roles_grants_and_revokes_with_a_ledger_entry_each(admin_user, member):
    services.membership_set_roles(
        actor=admin_user,
        membership=member.membership,
        roles=[Role.SAFEGUARDING_LEAD, Role.DATA_PROTECTION_OFFICER],
    )
    assert fresh(member).roles == {Role.SAFEGUARDING_LEAD, Role.DATA_PROTECTION_OFFICER}
    granted = ledger(EntryKind.ROLE_GRANTED)
    revoked = ledger(EntryKind.ROLE_REVOKED)
    assert [e.payload for e in granted] == [
        {"role": "data_protection_officer"},
        {"role": "safeguarding_lead"},
    ]
    assert [e.payload for e in revoked] == [{"role": "practitioner"}]
    for entry in granted + revoked:
        assert entry.actor_ref == f"user:{admin_user.pk}"
        assert entry.subject_ref == f"user:{member.pk}"
        assert entry.agency_ref == str(member.agency.pk)


def test_setting_the_same_roles_changes_and_records_nothing(admin_user, member):
    services.membership_set_roles(
        actor=admin_user, membership=member.membership, roles=[Role.PRACTITIONER]
    )
    assert ledger() == []


def test_nobody_changes_their_own_roles(admin_user):
    with pytest.raises(ValidationError) as caught:
        services.membership_set_roles(
            actor=admin_user, membership=admin_user.membership, roles=[Role.AUDITOR]
        )
    assert caught.value.message_dict == {
        "roles": ["You cannot change your own agency, roles or membership."]
    }
    assert fresh(admin_user).roles == {Role.ADMINISTRATOR}
    assert ledger() == []


def test_nobody_moves_themselves_to_another_agency(admin_user):
    elsewhere = AgencyFactory()
    with pytest.raises(ValidationError) as caught:
        services.membership_move(
            actor=admin_user, membership=admin_user.membership, agency=elsewhere
        )
    assert "agency" in caught.value.message_dict
    assert fresh(admin_user).agency != elsewhere


def test_nobody_suspends_or_edits_their_own_membership(admin_user):
    with pytest.raises(ValidationError) as caught:
        services.membership_set_active(
            actor=admin_user, membership=admin_user.membership, active=False
        )
    assert "active" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.membership_update(
            actor=admin_user,
            membership=admin_user.membership,
            agency=admin_user.agency,
            roles=[Role.ADMINISTRATOR, Role.AUDITOR],
            active=True,
            job_title="Chief",
        )
    assert "user" in caught.value.message_dict
    assert fresh(admin_user).roles == {Role.ADMINISTRATOR}


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_only_administrators_manage_memberships(role, member):
    actor = staff(role, agency=member.agency)
    with pytest.raises(PermissionDenied):
        services.membership_set_roles(
            actor=actor, membership=member.membership, roles=[Role.AUDITOR]
        )
    with pytest.raises(PermissionDenied):
        services.membership_move(actor=actor, membership=member.membership, agency=AgencyFactory())
    assert fresh(member).roles == {Role.PRACTITIONER}


def test_a_suspended_administrator_manages_nothing(member):
    actor = staff(Role.ADMINISTRATOR, active=False)
    with pytest.raises(PermissionDenied):
        services.membership_set_roles(
            actor=actor, membership=member.membership, roles=[Role.AUDITOR]
        )


def test_unknown_role_is_refused_naming_the_field(admin_user, member):
    with pytest.raises(ValidationError) as caught:
        services.membership_set_roles(
            actor=admin_user, membership=member.membership, roles=["superhero"]
        )
    assert "superhero" in caught.value.message_dict["roles"][0]
    assert fresh(member).roles == {Role.PRACTITIONER}


def test_move_keeps_roles_and_records_both_agencies(admin_user, member):
    before = member.agency
    after = AgencyFactory()
    services.membership_move(actor=admin_user, membership=member.membership, agency=after)
    member = fresh(member)
    assert member.agency == after
    assert member.roles == {Role.PRACTITIONER}
    [entry] = ledger(EntryKind.MEMBERSHIP_CHANGED)
    assert entry.payload == {"change": "moved", "from": str(before.pk), "to": str(after.pk)}
    assert entry.agency_ref == str(after.pk)


def test_suspending_a_membership_removes_every_role_at_once(admin_user, member):
    services.membership_set_active(actor=admin_user, membership=member.membership, active=False)
    assert fresh(member).roles == frozenset()
    assert RoleGrant.objects.filter(membership__user=member).exists()
    [entry] = ledger(EntryKind.MEMBERSHIP_CHANGED)
    assert entry.payload == {"change": "suspended"}


def test_create_membership_with_roles(admin_user):
    newcomer = UserFactory()
    agency = AgencyFactory()
    services.membership_create(
        actor=admin_user, user=newcomer, agency=agency, roles=[Role.AUDITOR], job_title="Auditor"
    )
    newcomer = fresh(newcomer)
    assert newcomer.agency == agency
    assert newcomer.roles == {Role.AUDITOR}
    assert [e.kind for e in ledger()] == [EntryKind.MEMBERSHIP_CHANGED, EntryKind.ROLE_GRANTED]


def test_a_user_without_a_membership_is_no_administrator(admin_user):
    Membership.objects.filter(user=admin_user).delete()
    actor = fresh(admin_user)
    with pytest.raises(PermissionDenied):
        services.membership_create(
            actor=actor, user=actor, agency=AgencyFactory(), roles=[Role.ADMINISTRATOR]
        )


def test_update_records_each_change(admin_user, member):
    after = AgencyFactory()
    services.membership_update(
        actor=admin_user,
        membership=member.membership,
        agency=after,
        roles=[Role.SAFEGUARDING_LEAD],
        active=True,
        job_title="Designated safeguarding lead",
    )
    member = fresh(member)
    assert member.membership.job_title == "Designated safeguarding lead"
    assert [e.kind for e in ledger()] == [
        EntryKind.MEMBERSHIP_CHANGED,
        EntryKind.ROLE_GRANTED,
        EntryKind.ROLE_REVOKED,
    ]


def test_sign_in_records_carry_no_username(member):
    services.user_sign_in_failure_record(user=member, step="password", failures=5, failure_limit=5)
    services.user_sign_in_record(user=member)
    kinds = [e.kind for e in ledger()]
    assert kinds == [
        EntryKind.USER_SIGN_IN_FAILED,
        EntryKind.USER_LOCKED_OUT,
        EntryKind.USER_SIGNED_IN,
    ]
    for entry in ledger():
        assert member.username not in str(entry.payload)
        assert member.last_name not in str(entry.payload)
        assert entry.subject_ref == f"user:{member.pk}"


def test_administrator_removes_a_lost_authenticator_but_not_their_own(admin_user, member):
    device = TOTPDevice.objects.create(user=member, name="Phone", confirmed=True)
    own = TOTPDevice.objects.create(user=admin_user, name="Phone", confirmed=True)
    services.totp_device_remove(actor=admin_user, device=device)
    assert not TOTPDevice.objects.filter(user=member).exists()
    [entry] = ledger(EntryKind.USER_TWO_FACTOR_RESET)
    assert entry.subject_ref == f"user:{member.pk}"
    with pytest.raises(ValidationError) as caught:
        services.totp_device_remove(actor=admin_user, device=own)
    assert "device" in caught.value.message_dict
    assert TOTPDevice.objects.filter(pk=own.pk).exists()


def test_confirming_a_device_removes_other_unconfirmed_ones(member):
    first = services.totp_device_start(user=member)
    assert services.totp_device_start(user=member) == first
    stray = TOTPDevice.objects.create(user=member, name="Stray", confirmed=False)
    services.totp_device_confirm(user=member, device=first)
    assert list(TOTPDevice.objects.filter(user=member)) == [first]
    assert not TOTPDevice.objects.filter(pk=stray.pk).exists()
    [entry] = ledger(EntryKind.USER_TWO_FACTOR_ENROLLED)
    assert entry.actor_ref == f"user:{member.pk}"


def test_a_device_is_confirmed_only_for_its_owner(member):
    other = staff(Role.PRACTITIONER)
    device = services.totp_device_start(user=other)
    with pytest.raises(ValidationError):
        services.totp_device_confirm(user=member, device=device)
    device.refresh_from_db()
    assert not device.confirmed
