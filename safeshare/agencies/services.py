"""Writes for agencies and staff: the register of signatories, staff accounts,
memberships, roles and the record of signing in.

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


# Agency fields whose values the ledger may hold: none names a person. The
# signatory's and the data protection officer's names and addresses are
# recorded as changed, by field name only.
AGENCY_FIELDS_RECORDED = (
    "name",
    "code",
    "agency_type",
    "partner_status",
    "is_front_door",
    "ico_registration_number",
    "signed_on",
    "signed_by_position",
    "reaffirmation_due",
)
AGENCY_FIELDS_NAMED_ONLY = ("signed_by_name", "dpo_name", "dpo_email")


def _check_administrator(actor: User, what: str) -> None:
    if not (actor.is_active and actor.has_role(Role.ADMINISTRATOR)):
        raise PermissionDenied(f"Only an administrator can change {what}.")


def _agency_payload(agency: Agency, changed: Iterable[str]) -> dict[str, object]:
    fields = sorted(set(changed) & {f.name for f in Agency._meta.concrete_fields})
    values: dict[str, object] = {}
    for name in fields:
        if name in AGENCY_FIELDS_RECORDED:
            value = getattr(agency, name)
            values[name] = value.isoformat() if hasattr(value, "isoformat") else value
        elif name == "lead_information_officer":
            officer = agency.lead_information_officer
            values[name] = user_ref(officer) if officer is not None else None
    return {"fields": fields, "values": values}


@transaction.atomic
def agency_save(
    *, actor: User | str, agency: Agency, changed: Iterable[str] | None = None
) -> Agency:
    """Add an agency to the register of signatories, or record a change to it.

    Protocol App. 5 and 14.4: who signed, when, and when reaffirmation is due
    are part of what the partnership must be able to prove, so every change
    is a ledger entry in the same transaction, wherever it is made (the
    admin, the demo, a command). `actor` is an administrator, or the
    `system:<command>` reference of a command no person runs. `changed`
    names the fields changed (all of them for a new agency).
    """
    if isinstance(actor, User):
        _check_administrator(actor, "the register of agencies")
        actor_ref = actor_ref_for(actor)
    else:
        actor_ref = actor
    adding = agency._state.adding
    agency.full_clean()
    agency.save()
    fields = [f.name for f in Agency._meta.concrete_fields] if changed is None else changed
    payload = _agency_payload(agency, fields)
    if not adding and not payload["fields"]:
        return agency
    ledger_append(
        kind=EntryKind.AGENCY_CREATED if adding else EntryKind.AGENCY_UPDATED,
        actor_ref=actor_ref,
        agency_ref=_agency_ref(agency),
        subject_ref=None,
        payload=payload,
    )
    return agency


@transaction.atomic
def user_save(*, actor: User, user: User, changed: Iterable[str]) -> User:
    """Create or change a staff account (administrators only).

    The entry names the fields changed and whether the account is active;
    never a name, username or address.
    """
    _check_administrator(actor, "staff accounts")
    adding = user._state.adding
    user.save()
    fields = sorted(set(changed) & {f.name for f in User._meta.concrete_fields})
    if not adding and not fields:
        return user
    ledger_append(
        kind=EntryKind.USER_CREATED if adding else EntryKind.USER_UPDATED,
        actor_ref=actor_ref_for(actor),
        agency_ref=_agency_ref(user.agency),
        subject_ref=user_ref(user),
        payload={"fields": fields, "active": user.is_active},
    )
    return user


def user_password_changed(*, actor: User, user: User) -> None:
    """Record that an administrator set another user's password (never the password).

    Called inside the admin's transaction, after Django's own form saved it.
    """
    _check_administrator(actor, "staff accounts")
    ledger_append(
        kind=EntryKind.USER_UPDATED,
        actor_ref=actor_ref_for(actor),
        agency_ref=_agency_ref(user.agency),
        subject_ref=user_ref(user),
        payload={"fields": ["password"], "active": user.is_active},
    )


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
