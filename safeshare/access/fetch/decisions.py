"""Fetch-and-check for decisions and advice: the same NotFound whether missing or forbidden."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError

from safeshare.access.actions import Action
from safeshare.access.fetch import Targets, get_visible, requested, require_on
from safeshare.access.policy import active_agency
from safeshare.access.rules.exchange import ShareSource
from safeshare.core.errors import Forbidden, NotFound
from safeshare.decisions.models import AdviceRequest, Decision

# Actions whose object is a target carrying out the decision.
_DECISION_TARGETS: Targets = {
    Action.SHARE_SEND: lambda decision: ShareSource(decision=decision),
}


def get_decision_for(user: Any, decision_id: uuid.UUID | str, *, action: Action) -> Decision:
    """A decision of the user's own agency, else NotFound."""
    queryset = Decision.objects.select_related(
        "subject", "agency", "decided_by", "supersedes", "consent_given_by"
    )
    return get_visible(
        user, queryset, decision_id, "decision", action=action, targets=_DECISION_TARGETS
    )


def get_advice_request_for(
    user: Any, advice_id: uuid.UUID | str, *, action: Action
) -> AdviceRequest:
    """An advice request the user asked or was asked, else NotFound."""
    queryset = AdviceRequest.objects.select_related("subject", "asked_by", "adviser", "agency")
    return get_visible(user, queryset, advice_id, "advice request", action=action)


def own_decision_or_error(
    user: Any, decision_id: uuid.UUID | str, *, field: str, action: Action
) -> Decision:
    """A decision of the user's own agency named in a request body, else a ValidationError
    on `field` (the same for missing and another agency's): a body field, not an address.
    The action is then required on it (or on the share carrying it out), else Forbidden."""
    agency = active_agency(user)
    if agency is None:
        raise Forbidden()
    decision = (
        Decision.objects.for_agency(agency)
        .select_related("subject", "agency")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        message = "Choose a decision your agency recorded."
        raise ValidationError({field: [ValidationError(message, code="decision_unknown")]})
    require_on(user, action, decision, _DECISION_TARGETS)
    return decision


def get_own_decision_for(user: Any, decision_id: uuid.UUID | str, *, action: Action) -> Decision:
    """A decision the user's agency recorded, else NotFound (pages address decisions by URL);
    the action is then required on it (or on the share carrying it out), else Forbidden."""
    agency = active_agency(user)
    attempt = requested(action, Decision, decision_id)
    if attempt.object_id is None:
        raise NotFound("decision", attempt=attempt)
    decision = (
        Decision.objects.for_agency(agency)
        .select_related("subject", "agency")
        .filter(pk=attempt.object_id)
        .first()
        if agency is not None
        else None
    )
    if decision is None:
        raise NotFound("decision", attempt=attempt)
    require_on(user, action, decision, _DECISION_TARGETS)
    return decision
