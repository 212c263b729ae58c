"""A decision recorded in the decision aid answers the information request the aid was
started from (Protocol App. 2 Q7: the decision either way is the answer).

Registered with `decisions.answering` when the app is ready (decisions import
nothing above them). Runs inside the decision's transaction: before the
decision is written the request is fetched through access, its row locked and
checked open (`prepare`); then it is answered by `request_answer`, with its own
ledger entry. A request that can no longer be answered records no decision.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse

from safeshare.access.actions import Action
from safeshare.access.fetch_exchange import get_request_for
from safeshare.access.policy import can, require
from safeshare.access.rules.exchange import ShareSource
from safeshare.core.event_times import NotBefore
from safeshare.decisions.answering import Answered, RecordClosed, register
from safeshare.decisions.models import DecisionOutcome
from safeshare.exchange import services
from safeshare.exchange.models import InformationRequest

REQUEST = "request"


def prepare_request(*, actor: Any, record_id: str) -> InformationRequest:
    """The request, if the actor may answer it, locked until commit; refused if closed."""
    found = get_request_for(actor, record_id)
    require(actor, Action.REQUEST_ANSWER, found)
    try:
        services.request_lock_open(request=found)
    except ValidationError as error:
        raise RecordClosed(error.error_dict) from error
    return found


def answer_request(*, actor: Any, record: InformationRequest, decision: Any) -> Answered:
    """Answer the request with the decision; after a decision to share, build the share."""
    services.request_answer(actor=actor, request=record, decision=decision)
    share = decision.outcome == DecisionOutcome.SHARE and can(
        actor, Action.SHARE_SEND, ShareSource(decision=decision)
    )
    return Answered(
        message=f"Decision recorded. It answers the request from {record.requesting_agency.name}.",
        next_url=reverse("exchange:share_new", args=[decision.pk]) if share else None,
    )


def request_opened(record: InformationRequest) -> NotBefore:
    """A decision answering a request cannot be dated before the request was raised."""
    return NotBefore(record.raised_at, "before_request", "the request it answers was raised")


register(REQUEST, prepare=prepare_request, answer=answer_request, opened=request_opened)
