"""Personal API tokens: issue, revoke, rotate (issue #11 item 5).

Each write appends its ledger entry in the same transaction. Entries name the
token by its id and its owner by reference; the token, its digest and its
label (which its owner types) never reach the ledger.
"""

import secrets
from datetime import timedelta

from django.db import transaction

from safeshare.agencies.models import User
from safeshare.api.models import ApiToken, session_digest, token_digest
from safeshare.core import clock
from safeshare.core.errors import Errors, add_error, raise_if
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.services import actor_ref_for, ledger_append

TOKEN_LIFETIME_MAX = timedelta(days=30)


class RevokeReason:
    """Why a token ended, as recorded in its `token.revoked` entry."""

    OWNER = "owner"
    ADMINISTRATOR = "administrator"
    SIGNED_OUT = "signed_out"
    SESSION_LIFETIME = "session_lifetime_reached"


def _common(*, actor_ref: str, token: ApiToken) -> dict:
    owner = token.user
    agency = owner.agency
    return {
        "actor_ref": actor_ref,
        "agency_ref": str(agency.pk) if agency is not None else None,
        "subject_ref": f"user:{owner.pk}",
    }


def _new_token(
    *, user: User, label: str, expires_at, digest_of_session: str
) -> tuple[ApiToken, str]:
    plain = secrets.token_urlsafe(32)
    record = ApiToken(
        user=user,
        label=label,
        digest=token_digest(plain),
        expires_at=expires_at,
        session_digest=digest_of_session,
    )
    record.full_clean(exclude=["user"])
    record.save()
    return record, plain


@transaction.atomic
def token_issue(
    *, actor: User, label: str, lifetime: timedelta, session_key: str | None = None
) -> tuple[ApiToken, str]:
    """A new token for the actor; the plain token is returned once and never stored.

    Lifetimes are capped at TOKEN_LIFETIME_MAX. A token issued from a session
    remembers it (as a digest), so ending the session ends the token.
    """
    record, plain = _new_token(
        user=actor,
        label=label,
        expires_at=clock.now() + min(lifetime, TOKEN_LIFETIME_MAX),
        digest_of_session=session_digest(session_key),
    )
    ledger_append(
        kind=EntryKind.TOKEN_ISSUED,
        payload={
            "token": str(record.pk),
            "expires_at": record.expires_at.isoformat(),
            "from_session": bool(record.session_digest),
        },
        **_common(actor_ref=actor_ref_for(actor), token=record),
    )
    return record, plain


def _check_live(token: ApiToken, *, field: str = "token") -> None:
    errors: Errors = {}
    if token.revoked_at is not None:
        add_error(errors, field, "This token has already been revoked.", "revoked")
    elif token.expires_at <= clock.now():
        add_error(errors, field, "This token has expired.", "expired")
    raise_if(errors)


def _revoke(*, actor_ref: str, token: ApiToken, reason: str) -> ApiToken:
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    ledger_append(
        kind=EntryKind.TOKEN_REVOKED,
        payload={"token": str(token.pk), "reason": reason},
        **_common(actor_ref=actor_ref, token=token),
    )
    return token


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once: its next request answers 401.

    The caller has fetched the token through `api.selectors.get_token_for`
    (its owner, or an administrator: issue #11 item 5). An administrator
    revoking another user's token is recorded as such.
    """
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    _check_live(token)
    reason = RevokeReason.OWNER if token.user_id == actor.pk else RevokeReason.ADMINISTRATOR
    return _revoke(actor_ref=actor_ref_for(actor), token=token, reason=reason)


@transaction.atomic
def token_rotate(
    *,
    actor: User,
    token: ApiToken,
    lifetime: timedelta | None = None,
    session_key: str | None = None,
) -> tuple[ApiToken, str]:
    """Replace a token: the old one is revoked, a new one with the same label is issued.

    The new token keeps the old one's expiry unless a new lifetime is given
    (capped at TOKEN_LIFETIME_MAX), and the old one's session unless it is
    rotated from a session, which it then belongs to. Only the owner rotates
    their tokens: a rotation hands out a working token.
    """
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    errors: Errors = {}
    if token.user_id != actor.pk:
        add_error(errors, "token", "Only the token's owner can rotate it.", "not_owner")
    raise_if(errors)
    _check_live(token)
    now = clock.now()
    expires_at = token.expires_at if lifetime is None else now + min(lifetime, TOKEN_LIFETIME_MAX)
    actor_ref = actor_ref_for(actor)
    token.revoked_at = now
    token.save(update_fields=["revoked_at", "updated_at"])
    record, plain = _new_token(
        user=actor,
        label=token.label,
        expires_at=expires_at,
        digest_of_session=session_digest(session_key) if session_key else token.session_digest,
    )
    ledger_append(
        kind=EntryKind.TOKEN_ROTATED,
        payload={
            "token": str(token.pk),
            "replaced_by": str(record.pk),
            "expires_at": record.expires_at.isoformat(),
        },
        **_common(actor_ref=actor_ref, token=token),
    )
    return record, plain


@transaction.atomic
def tokens_revoke_for_session(*, user: User, session_key: str | None, reason: str) -> int:
    """Revoke every live token issued from this session, when it ends (issue #11 item 5).

    Called on sign-out and when the session reaches its absolute lifetime.
    Returns how many were revoked; a session that issued none writes nothing.
    """
    digest = session_digest(session_key)
    if not digest:
        return 0
    live = (
        ApiToken.objects.select_for_update()
        .select_related("user")
        .filter(
            session_digest=digest, user=user, revoked_at__isnull=True, expires_at__gt=clock.now()
        )
    )
    tokens = list(live)
    for token in tokens:
        _revoke(actor_ref=actor_ref_for(user), token=token, reason=reason)
    return len(tokens)
