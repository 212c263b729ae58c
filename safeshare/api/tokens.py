"""Personal API tokens: issue (from a two-factor session only), list, revoke and rotate.

A token is its owner's to list, revoke and rotate; an administrator may list
and revoke anyone's (tokens are no case content). The token itself is shown
once, when issued or rotated; lists never show it or its digest.
"""

import uuid
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status

from safeshare.api import selectors, services
from safeshare.api.auth import TOKEN_LIFETIME_MAX, TwoFactorSession

router = Router(tags=["tokens"])

LIST_LIMIT_MAX = 100


class TokenIssueIn(Schema):
    label: str = Field(min_length=1, max_length=100)
    days: int = Field(ge=1, le=TOKEN_LIFETIME_MAX.days)


class TokenIssueOut(Schema):
    id: str
    label: str
    token: str
    expires_at: str


class TokenListIn(Schema):
    user_id: uuid.UUID | None = Field(
        None, description="Another user's tokens (administrators only); your own if left out."
    )
    limit: int = Field(LIST_LIMIT_MAX, ge=1, le=LIST_LIMIT_MAX)


class TokenOut(Schema):
    id: uuid.UUID
    user_id: uuid.UUID
    label: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = Field(description="To the minute.")
    revoked_at: datetime | None
    active: bool


class TokenRotateIn(Schema):
    days: int | None = Field(
        None,
        ge=1,
        le=TOKEN_LIFETIME_MAX.days,
        description="A new lifetime, from a two-factor session only; else the old expiry stays.",
    )


def _session_key(request) -> str | None:
    """The session behind the request, when it came with one rather than a bearer token."""
    if getattr(request, "api_token", None) is not None:
        return None
    return request.session.session_key


def _to_the_minute(moment: datetime | None) -> datetime | None:
    """`last_used_at` moves only once a LAST_USED_STEP (a minute): say no more than that."""
    return moment.replace(second=0, microsecond=0) if moment is not None else None


def _token_out(token) -> dict:
    return {
        "id": token.id,
        "user_id": token.user_id,
        "label": token.label,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": _to_the_minute(token.last_used_at),
        "revoked_at": token.revoked_at,
        "active": token.is_active,
    }


def _issued_out(record, plain: str) -> dict:
    return {
        "id": str(record.id),
        "label": record.label,
        "token": plain,
        "expires_at": record.expires_at.isoformat(),
    }


@router.post(
    "", response={201: TokenIssueOut}, auth=TwoFactorSession(), operation_id="tokens_issue"
)
def tokens_issue(request, payload: TokenIssueIn):
    """Issue a personal token; it is shown once. Tokens can only come from a two-factor session.

    Signing out of that session, or its reaching its absolute lifetime, revokes the token.
    """
    record, plain = services.token_issue(
        actor=request.auth,
        label=payload.label,
        lifetime=timedelta(days=payload.days),
        session_key=request.session.session_key,
    )
    return Status(201, _issued_out(record, plain))


@router.get("", response=list[TokenOut], operation_id="tokens_list")
def tokens_list(request, filters: Query[TokenListIn]):
    """Your tokens, newest first, or (administrators) another user's. Never the token itself."""
    tokens = selectors.token_list_for(request.auth, owner_id=filters.user_id)
    return [_token_out(token) for token in tokens[: filters.limit]]


@router.post("/{token_id}/revoke", response=TokenOut, operation_id="tokens_revoke")
def tokens_revoke(request, token_id: str):
    """Revoke a token at once: its next request answers 401. Yours, or anyone's for an
    administrator."""
    token = selectors.get_token_for(request.auth, token_id)
    token = services.token_revoke(actor=request.auth, token=token)
    return _token_out(token)


@router.post("/{token_id}/rotate", response={201: TokenIssueOut}, operation_id="tokens_rotate")
def tokens_rotate(request, token_id: str, payload: TokenRotateIn):
    """Replace one of your tokens with a new one of the same label; the old one ends at once.

    The new token is shown once. It keeps the old expiry unless `days` is given,
    which only a two-factor session may do: a token cannot extend its own life.
    """
    token = selectors.get_token_for(request.auth, token_id)
    session_key = _session_key(request)
    if payload.days is not None and session_key is None:
        message = "Only a two-factor session can give a token a new lifetime; leave days out."
        raise ValidationError({"days": [ValidationError(message, code="session_only")]})
    lifetime = timedelta(days=payload.days) if payload.days is not None else None
    record, plain = services.token_rotate(
        actor=request.auth, token=token, lifetime=lifetime, session_key=session_key
    )
    return Status(201, _issued_out(record, plain))
