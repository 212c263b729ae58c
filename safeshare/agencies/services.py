"""Writes for staff: memberships, roles and the record of signing in.

Separation of duties (DESIGN: users and roles; issue #3 items 2 and 6): only
an administrator changes a membership, and no user changes their own agency,
roles or membership. Roles are read from the database on every request
(`User.roles`), so a change takes effect on the user's next request.

Ledger entries about a member of staff name them as the subject with
`user:<uuid>`; payloads carry no names or usernames.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeshare.agencies.models import Agency, Membership, Role, RoleGrant, User
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.services import EntryRefs, actor_ref_for, ledger_append

SIGN_IN_ACTOR = "system:sign_in"


def user_ref(user: User) -> str:
    """The pseudonymous reference for a member of staff in the ledger."""
    return f"user:{user.pk}"


def _agency_ref(agency: Agency | None) -> str | None:
    return str(agency.pk) if agency is not None else None


def _check_may_manage(*, actor: User, membership_user: User, field: str) -> None:
    """Only an administrator manages memberships, and never their own.

    No user can change their own agency, roles or membership (issue #3 item 6).
    """
    if not (actor.is_active and actor.has_role(Role.ADMINISTRATOR)):
        raise PermissionDenied("Only an administrator can change memberships and roles.")
    if actor.pk == membership_user.pk:
        raise ValidationError(
            {field: ["You cannot change your own agency, roles or membership."]},
            code="self_change",
        )


def _clean_roles(roles: Iterable[str]) -> set[str]:
    wanted = {str(role) for role in roles}
    unknown = sorted(wanted - set(Role.values))
    if unknown:
        raise ValidationError(
            {"roles": [f"Choose roles from the list; {', '.join(unknown)} is not a role."]},
            code="unknown_role",
        )
    return wanted


@transaction.atomic
def membership_create(
    *, actor: User, user: User, agency: Agency, roles: Iterable[str], job_title: str = ""
) -> Membership:
    """Make `user` a member of `agency` holding `roles` (administrators only, never oneself)."""
    _check_may_manage(actor=actor, membership_user=user, field="user")
    wanted = _clean_roles(roles)
    membership = Membership(user=user, agency=agency, job_title=job_title)
    membership.full_clean()
    membership.save()
    ledger_append(
        kind=EntryKind.MEMBERSHIP_CHANGED,
        actor_ref=actor_ref_for(actor),
        agency_ref=_agency_ref(agency),
        subject_ref=user_ref(user),
        payload={"change": "created", "agency": _agency_ref(agency)},
    )
    _apply_roles(actor=actor, membership=membership, wanted=wanted)
    return membership


@transaction.atomic
def membership_set_roles(
    *, actor: User, membership: Membership, roles: Iterable[str]
) -> Membership:
    """Grant and revoke so the membership holds exactly `roles`.

    Administrators only, never on their own membership (issue #3 item 6);
    each grant and revocation is a ledger entry.
    """
    _check_may_manage(actor=actor, membership_user=membership.user, field="roles")
    _apply_roles(actor=actor, membership=membership, wanted=_clean_roles(roles))
    return membership


def _apply_roles(*, actor: User, membership: Membership, wanted: set[str]) -> None:
    current = {grant.role: grant for grant in membership.role_grants.all()}
    common: EntryRefs = {
        "actor_ref": actor_ref_for(actor),
        "agency_ref": _agency_ref(membership.agency),
        "subject_ref": user_ref(membership.user),
    }
    for role in sorted(wanted - set(current)):
        grant = RoleGrant(membership=membership, role=role)
        grant.full_clean()
        grant.save()
        ledger_append(kind=EntryKind.ROLE_GRANTED, payload={"role": role}, **common)
    for role in sorted(set(current) - wanted):
        current[role].delete()
        ledger_append(kind=EntryKind.ROLE_REVOKED, payload={"role": role}, **common)


@transaction.atomic
def membership_move(*, actor: User, membership: Membership, agency: Agency) -> Membership:
    """Move a member of staff to another agency (administrators only, never oneself).

    Their roles move with them; the administrator reviews them in the same form.
    """
    _check_may_manage(actor=actor, membership_user=membership.user, field="agency")
    previous = membership.agency
    if previous.pk == agency.pk:
        return membership
    membership.agency = agency
    membership.full_clean()
    membership.save(update_fields=["agency", "updated_at"])
    ledger_append(
        kind=EntryKind.MEMBERSHIP_CHANGED,
        actor_ref=actor_ref_for(actor),
        agency_ref=_agency_ref(agency),
        subject_ref=user_ref(membership.user),
        payload={"change": "moved", "from": _agency_ref(previous), "to": _agency_ref(agency)},
    )
    return membership


@transaction.atomic
def membership_set_active(*, actor: User, membership: Membership, active: bool) -> Membership:
    """Suspend or restore a membership; a suspended member holds no roles (issue #3 item 6)."""
    _check_may_manage(actor=actor, membership_user=membership.user, field="active")
    if membership.active == active:
        return membership
    membership.active = active
    membership.save(update_fields=["active", "updated_at"])
    ledger_append(
        kind=EntryKind.MEMBERSHIP_CHANGED,
        actor_ref=actor_ref_for(actor),
        agency_ref=_agency_ref(membership.agency),
        subject_ref=user_ref(membership.user),
        payload={"change": "activated" if active else "suspended"},
    )
    return membership


@transaction.atomic
def membership_update(
    *,
    actor: User,
    membership: Membership,
    agency: Agency,
    roles: Iterable[str],
    active: bool,
    job_title: str,
) -> Membership:
    """Apply an administrator's edit of a membership, one recorded change at a time."""
    _check_may_manage(actor=actor, membership_user=membership.user, field="user")
    membership_move(actor=actor, membership=membership, agency=agency)
    membership_set_roles(actor=actor, membership=membership, roles=roles)
    membership_set_active(actor=actor, membership=membership, active=active)
    if membership.job_title != job_title:
        membership.job_title = job_title
        membership.full_clean()
        membership.save(update_fields=["job_title", "updated_at"])
    return membership


@transaction.atomic
def user_sign_in_record(*, user: User) -> None:
    """Record a completed sign-in (password and TOTP code) in the ledger."""
    ledger_append(
        kind=EntryKind.USER_SIGNED_IN,
        actor_ref=actor_ref_for(user),
        agency_ref=_agency_ref(user.agency),
        subject_ref=user_ref(user),
        payload={"factors": ["password", "totp"]},
    )


@transaction.atomic
def user_sign_in_failure_record(
    *, user: User, step: str, failures: int, failure_limit: int
) -> None:
    """Record a failed sign-in step, and the lockout when this failure caused it.

    Each failure is recorded (issue #3 item 3); the ledger holds the user's
    reference only, never the username typed or the address it came from.
    """
    common: EntryRefs = {
        "actor_ref": SIGN_IN_ACTOR,
        "agency_ref": _agency_ref(user.agency),
        "subject_ref": user_ref(user),
    }
    ledger_append(
        kind=EntryKind.USER_SIGN_IN_FAILED,
        payload={"step": step, "failures": failures, "locked_out": failures >= failure_limit},
        **common,
    )
    if failures == failure_limit:
        ledger_append(
            kind=EntryKind.USER_LOCKED_OUT,
            payload={"failures": failures, "failure_limit": failure_limit},
            **common,
        )


@transaction.atomic
def totp_device_start(*, user: User, key: str | None = None) -> TOTPDevice:
    """The unconfirmed TOTP device a user is setting up (created on first call).

    `key` (hex) is given only by the demo, which uses fixed secrets.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice(user=user, name="Authenticator app", confirmed=False)
        if key is not None:
            device.key = key
        device.full_clean()
        device.save()
    return device


@transaction.atomic
def totp_device_confirm(
    *, user: User, device: TOTPDevice, actor_ref: str | None = None
) -> TOTPDevice:
    """Confirm the device whose code the user has just entered; other unconfirmed ones go.

    Two-factor sign-in is required for every role (issue #3 item 3). The
    actor is the user, or the demo loader naming itself as a system actor.
    """
    if device.user_id != user.pk:
        raise ValidationError({"code": ["This authenticator belongs to someone else."]})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    ledger_append(
        kind=EntryKind.USER_TWO_FACTOR_ENROLLED,
        actor_ref=actor_ref or actor_ref_for(user),
        agency_ref=_agency_ref(user.agency),
        subject_ref=user_ref(user),
        payload={"method": "totp"},
    )
    return device


@transaction.atomic
def totp_device_remove(*, actor: User, device: TOTPDevice) -> None:
    """Remove a member of staff's authenticator (a lost phone); they set up a new one
    at their next sign-in, after their password.

    Administrators only, never their own (separation of duties, issue #3 item 6).
    """
    member = device.user
    _check_may_manage(actor=actor, membership_user=member, field="device")
    device.delete()
    ledger_append(
        kind=EntryKind.USER_TWO_FACTOR_RESET,
        actor_ref=actor_ref_for(actor),
        agency_ref=_agency_ref(member.agency),
        subject_ref=user_ref(member),
        payload={"method": "totp"},
    )


BOOTSTRAP_ACTOR = "system:admin_bootstrap"


@transaction.atomic
def administrator_bootstrap(*, username: str, email: str, password: str, agency: Agency) -> User:
    """Create the first administrator of a new installation, and only the first.

    Every later membership is made by an administrator through the admin
    (separation of duties); this is the one way in for a fresh deployment and
    refuses once any active administrator exists. The password must pass the
    configured validators; two-factor enrolment happens at first sign-in.
    """
    from django.contrib.auth.password_validation import validate_password

    if RoleGrant.objects.filter(
        role=Role.ADMINISTRATOR, membership__active=True, membership__user__is_active=True
    ).exists():
        raise ValidationError(
            {"username": ["An administrator already exists: ask them to add you."]},
            code="administrator_exists",
        )
    user = User(username=username, email=email)
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        validate_password(password, user)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    membership = Membership.objects.create(user=user, agency=agency)
    RoleGrant.objects.create(membership=membership, role=Role.ADMINISTRATOR)
    common: EntryRefs = {
        "actor_ref": BOOTSTRAP_ACTOR,
        "agency_ref": _agency_ref(agency),
        "subject_ref": user_ref(user),
    }
    ledger_append(
        kind=EntryKind.MEMBERSHIP_CHANGED,
        payload={"change": "created", "agency": _agency_ref(agency)},
        **common,
    )
    ledger_append(kind=EntryKind.ROLE_GRANTED, payload={"role": Role.ADMINISTRATOR}, **common)
    return user
