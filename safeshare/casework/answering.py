"""Answering an information request with a decision recorded in the decision aid
(Protocol App. 2 Q7: the decision either way is the answer).

One transaction, in the order every path that writes both takes: the request
is fetched through access, its row locked and checked open (exchange); then the
decision is recorded with its ledger entry (decisions); then the request is
answered with it, with its own ledger entry (exchange). A withdrawal or an
answer from the request's own page also locks the row before the ledger's
lock, so the two cannot deadlock; a request closed meanwhile records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from safeshare.access.actions import Action
from safeshare.access.fetch.exchange import get_request_for
from safeshare.access.policy import can
from safeshare.access.rules.exchange import ShareSource
from safeshare.agencies.models import User
from safeshare.core.errors import NotFound
from safeshare.core.event_times import NotBefore
from safeshare.decisions import services as decision_services
from safeshare.decisions.flow import ANSWERING_REQUEST
from safeshare.decisions.models import Decision, DecisionOutcome
from safeshare.decisions.services import DecisionDraft
from safeshare.exchange import services as exchange_services
from safeshare.exchange.models import InformationRequest
from safeshare.people.models import Person


@dataclass(frozen=True)
class Answered:
    """What to tell the person, in plain words without personal data, and where to go on
    (None: the decision's own page)."""

    message: str
    next_url: str | None = None


class RecordClosed(ValidationError):
    """The request can no longer be answered (withdrawn or answered meanwhile); the
    decision itself may still be recorded, answering nothing."""


def _request_lock_open(*, actor: User, request_id: str) -> InformationRequest:
    """The request, if the actor may answer it, locked until commit; refused if closed."""
    found = get_request_for(actor, request_id, action=Action.REQUEST_ANSWER)
    try:
        exchange_services.request_lock_open(request=found)
    except ValidationError as error:
        raise RecordClosed(error.error_dict) from error
    return found


@transaction.atomic
def decision_record_answering(
    *,
    actor: User,
    subject: Person | None,
    anonymised: bool = False,
    answering_kind: str,
    answering_id: str,
    draft: DecisionDraft,
) -> tuple[Decision, Answered]:
    """Record a decision and, in the same transaction, answer the information request the
    decision aid was started from (the aid's session names it by kind and opaque id; a
    kind other than a request is not found).

    The request's row is locked first, before the decision's ledger entry; if it
    cannot be answered (withdrawn or already answered meanwhile: `RecordClosed`)
    nothing is recorded. A decision answering a request cannot be dated before the
    request was raised. After a decision to share, the share is built next.
    """
    if answering_kind != ANSWERING_REQUEST:
        raise NotFound("record to answer")
    request = _request_lock_open(actor=actor, request_id=answering_id)
    raised = NotBefore(request.raised_at, "before_request", "the request it answers was raised")
    decision = decision_services.decision_record(
        actor=actor, subject=subject, anonymised=anonymised, draft=draft, not_before=(raised,)
    )
    exchange_services.request_answer(actor=actor, request=request, decision=decision)
    share = decision.outcome == DecisionOutcome.SHARE and can(
        actor, Action.SHARE_SEND, ShareSource(decision=decision)
    )
    return decision, Answered(
        message=f"Decision recorded. It answers the request from {request.requesting_agency.name}.",
        next_url=reverse("exchange:share_new", args=[decision.pk]) if share else None,
    )
