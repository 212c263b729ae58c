"""Reads of personal API tokens: a token is its owner's, and any administrator's to manage.

Tokens are no case content (issue #11 item 5): administrators, who hold
USER_MANAGE and no case role, may list and revoke anyone's.
"""

import uuid
from typing import Any

from django.db.models import QuerySet

from safeshare.access.actions import Action
from safeshare.access.policy import can
from safeshare.api.models import ApiToken
from safeshare.core.errors import Forbidden, NotFound


def _manageable(user: Any) -> QuerySet[ApiToken]:
    tokens = ApiToken.objects.select_related("user")
    if can(user, Action.USER_MANAGE):
        return tokens
    return tokens.filter(user=user)


def token_list_for(user: Any, *, owner_id: uuid.UUID | None = None) -> QuerySet[ApiToken]:
    """The user's own tokens, or (administrators only) another user's; newest first."""
    if owner_id is None or owner_id == user.pk:
        tokens = ApiToken.objects.select_related("user").filter(user=user)
    elif can(user, Action.USER_MANAGE):
        tokens = _manageable(user).filter(user_id=owner_id)
    else:
        raise Forbidden("Only an administrator can list another user's tokens.")
    return tokens.order_by("-created_at", "id")


def get_token_for(user: Any, token_id: uuid.UUID | str) -> ApiToken:
    """A token the user may manage, else NotFound (identical for missing and someone else's)."""
    try:
        pk = uuid.UUID(str(token_id))
    except ValueError as error:
        raise NotFound("token") from error
    found = _manageable(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("token")
    return found
