"""Exchange API: information requests between agencies (Protocol 5.2 Timely).

Adapters only (STYLE §2): fetch through `access`, check the action, call one
service, shape the answer.
"""

import datetime
import uuid

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from safeshare.access.actions import Action
from safeshare.access.fetch.decisions import own_decision_or_error
from safeshare.access.fetch.exchange import (
    get_request_for,
)
from safeshare.access.fetch.people import get_person_for
from safeshare.access.policy import require
from safeshare.access.rules.exchange import RequestTarget
from safeshare.core.paging import LimitOffset, Rows
from safeshare.exchange import selectors, services
from safeshare.exchange.models import (
    InformationRequest,
    Urgency,
    WithdrawalReason,
)

from ._common import TEXT, AgencyRef, _agency, _agency_ref, _text

router = Router(tags=["requests"])


class RequestIn(Schema):
    subject_id: uuid.UUID
    to_agency_id: uuid.UUID
    purpose: str = TEXT
    information_needed: str = TEXT
    legal_basis: str = Field(min_length=1, max_length=80)
    urgency: Urgency
    due_on: datetime.date | None = None


class RequestSummaryOut(Schema):
    id: uuid.UUID
    subject_id: uuid.UUID
    requesting_agency: AgencyRef
    requested_agency: AgencyRef
    legal_basis: str
    urgency: str
    due_on: datetime.date
    raised_at: datetime.datetime
    status: str


class RequestOut(RequestSummaryOut):
    purpose: str | None
    information_needed: str | None
    decision_id: uuid.UUID | None
    outcome: str | None


class RequestAnswerIn(Schema):
    decision_id: uuid.UUID


class RequestWithdrawIn(Schema):
    reason: WithdrawalReason


def _request_summary(request: InformationRequest) -> dict:
    return {
        "id": request.id,
        "subject_id": request.subject_id,
        "requesting_agency": _agency_ref(request.requesting_agency),
        "requested_agency": _agency_ref(request.requested_agency),
        "legal_basis": request.legal_basis,
        "urgency": request.urgency,
        "due_on": request.due_on,
        "raised_at": request.raised_at,
        "status": selectors.request_status(request),
    }


def _request_out(request: InformationRequest) -> dict:
    text = selectors.request_text(request)
    response = selectors.request_response(request)
    return {
        **_request_summary(request),
        "purpose": _text(text["purpose"]),
        "information_needed": _text(text["information_needed"]),
        "decision_id": response.decision_id if response else None,
        "outcome": response.decision.outcome if response else None,
    }


@router.post("", response={201: RequestOut}, operation_id="exchange_request_raise")
def exchange_request_raise(request, payload: RequestIn):
    """Ask another agency about a child your agency works with (Protocol 5.2 Timely)."""
    user = request.auth
    subject = get_person_for(user, payload.subject_id, action=Action.PERSON_VIEW)
    to_agency = _agency(payload.to_agency_id, "to_agency_id")
    require(user, Action.REQUEST_RAISE, RequestTarget(subject=subject, to_agency=to_agency))
    raised = services.request_raise(
        actor=user,
        subject=subject,
        to_agency=to_agency,
        purpose=payload.purpose,
        information_needed=payload.information_needed,
        legal_basis=payload.legal_basis,
        urgency=payload.urgency,
        due_on=payload.due_on,
    )
    return Status(201, _request_out(get_request_for(user, raised.pk, action=Action.REQUEST_VIEW)))


@router.get("/inbox", response=list[RequestSummaryOut], operation_id="exchange_requests_inbox")
@paginate(LimitOffset)
def exchange_requests_inbox(request):
    """Requests other agencies made of yours, soonest due first, with their status."""
    return Rows(selectors.requests_inbox(request.auth), _request_summary)


@router.get("/outbox", response=list[RequestSummaryOut], operation_id="exchange_requests_outbox")
@paginate(LimitOffset)
def exchange_requests_outbox(request):
    """Requests your agency made of others, soonest due first, with their status."""
    return Rows(selectors.requests_outbox(request.auth), _request_summary)


@router.get("/overdue", response=list[RequestSummaryOut], operation_id="exchange_requests_overdue")
@paginate(LimitOffset)
def exchange_requests_overdue(request):
    """Unanswered requests past their due date, made by or of your agency."""
    return Rows(selectors.requests_overdue(request.auth), _request_summary)


@router.get("/{request_id}", response=RequestOut, operation_id="exchange_request_get")
def exchange_request_get(request, request_id: str):
    """A request your agency made or was asked, with its purpose and status."""
    found = get_request_for(request.auth, request_id, action=Action.REQUEST_VIEW)
    return _request_out(found)


@router.post("/{request_id}/answer", response=RequestOut, operation_id="exchange_request_answer")
def exchange_request_answer(request, request_id: str, payload: RequestAnswerIn):
    """Answer with the decision your agency recorded (share or not share)."""
    user = request.auth
    found = get_request_for(user, request_id, action=Action.REQUEST_ANSWER)
    decision = own_decision_or_error(
        user, payload.decision_id, field="decision_id", action=Action.DECISION_VIEW
    )
    services.request_answer(actor=user, request=found, decision=decision)
    return _request_out(get_request_for(user, request_id, action=Action.REQUEST_VIEW))


@router.post("/{request_id}/accept", response=RequestOut, operation_id="exchange_request_accept")
def exchange_request_accept(request, request_id: str):
    """Take the request on: your agency starts working with the child, so it can decide."""
    user = request.auth
    found = get_request_for(user, request_id, action=Action.REQUEST_ANSWER)
    services.request_accept(actor=user, request=found)
    return _request_out(found)


@router.post(
    "/{request_id}/withdraw", response=RequestOut, operation_id="exchange_request_withdraw"
)
def exchange_request_withdraw(request, request_id: str, payload: RequestWithdrawIn):
    """Withdraw a request your agency no longer needs answered."""
    user = request.auth
    found = get_request_for(user, request_id, action=Action.REQUEST_WITHDRAW)
    services.request_withdraw(actor=user, request=found, reason=payload.reason)
    return _request_out(get_request_for(user, request_id, action=Action.REQUEST_VIEW))
