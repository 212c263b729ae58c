"""A decision recorded in the decision aid answers the information request the aid was
started from (Protocol App. 2 Q7: the decision either way is the answer).

Registered with `decisions.answering` when the app is ready (decisions import
nothing above them). Runs inside the decision's transaction: the request is
fetched through access and answered by `request_answer`, with its own ledger
entry, so a request that can no longer be answered records no decision.
"""

from typing import Any

from django.urls import reverse

from safeshare.access.actions import Action
from safeshare.access.fetch_exchange import get_request_for
from safeshare.access.policy import can, require
from safeshare.access.rules.exchange import ShareSource
from safeshare.decisions.answering import Answered, register
from safeshare.decisions.models import DecisionOutcome
from safeshare.exchange import services

REQUEST = "request"


def answer_request(*, actor: Any, record_id: str, decision: Any) -> Answered:
    """Answer the request with the decision; after a decision to share, build the share."""
    found = get_request_for(actor, record_id)
    require(actor, Action.REQUEST_ANSWER, found)
    services.request_answer(actor=actor, request=found, decision=decision)
    share = decision.outcome == DecisionOutcome.SHARE and can(
        actor, Action.SHARE_SEND, ShareSource(decision=decision)
    )
    return Answered(
        message=f"Decision recorded. It answers the request from {found.requesting_agency.name}.",
        next_url=reverse("exchange:share_new", args=[decision.pk]) if share else None,
    )


register(REQUEST, answer_request)
