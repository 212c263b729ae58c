"""Advice API: asking a safeguarding lead or lead information officer, and answering
(golden rule 3: the adviser does not see the child unless the asker reveals it)."""

import datetime
import uuid

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from safeshare.access.actions import Action
from safeshare.access.fetch.decisions import get_advice_request_for
from safeshare.access.fetch.people import get_person_for
from safeshare.agencies.models import User
from safeshare.agencies.selectors import member_get
from safeshare.core.paging import LimitOffset, Rows
from safeshare.decisions import selectors, services
from safeshare.decisions.models import AdviceRequest

from ._common import TEXT, _invalid, _text

advice_router = Router(tags=["decisions"])


class AdviceIn(Schema):
    adviser: uuid.UUID
    subject: uuid.UUID | None = None
    question: str = TEXT
    identity_revealed: bool = False


class AdviceGiveIn(Schema):
    advice: str = TEXT
    advised_outcome: str = Field(max_length=30)


class AdviceOut(Schema):
    id: uuid.UUID
    asked_by: uuid.UUID
    adviser: uuid.UUID
    subject: uuid.UUID | None  # None for the adviser unless the asker revealed the child
    identity_revealed: bool
    asked_at: datetime.datetime
    question: str | None
    answered: bool
    advice: str | None
    advised_outcome: str | None
    given_at: datetime.datetime | None


def _advice_out(user: User, advice: AdviceRequest) -> dict:
    subject = selectors.advice_subject_for(user=user, advice=advice)
    response = getattr(advice, "response", None)
    text = selectors.advice_text(advice)
    return {
        "id": advice.id,
        "asked_by": advice.asked_by_id,
        "adviser": advice.adviser_id,
        "subject": subject.id if subject else None,
        "identity_revealed": advice.identity_revealed,
        "asked_at": advice.asked_at,
        "question": _text(text["question"]),
        "answered": response is not None,
        "advice": _text(text["advice"]),
        "advised_outcome": response.advised_outcome if response else None,
        "given_at": response.given_at if response else None,
    }


@advice_router.post("", response={201: AdviceOut}, operation_id="decisions_advice_request")
def decisions_advice_request(request, payload: AdviceIn):
    """Ask your safeguarding lead or lead information officer, by default without
    revealing the child (golden rule 3)."""
    user = request.auth
    subject = (
        get_person_for(user, payload.subject, action=Action.PERSON_VIEW)
        if payload.subject
        else None
    )
    agency = user.agency
    adviser = member_get(agency=agency, user_id=payload.adviser) if agency else None
    if adviser is None:
        raise _invalid("adviser", "Ask someone in your own agency.", "adviser_agency")
    advice = services.advice_request(
        actor=user,
        adviser=adviser,
        subject=subject,
        question=payload.question,
        identity_revealed=payload.identity_revealed,
    )
    return Status(
        201, _advice_out(user, get_advice_request_for(user, advice.id, action=Action.ADVICE_VIEW))
    )


@advice_router.get("/awaiting", response=list[AdviceOut], operation_id="decisions_advice_awaiting")
@paginate(LimitOffset)
def decisions_advice_awaiting(request):
    """Advice requests put to you and not yet answered, oldest first."""
    user = request.auth
    return Rows(selectors.advice_awaiting_answer(user=user), lambda a: _advice_out(user, a))


@advice_router.get("/{advice_id}", response=AdviceOut, operation_id="decisions_advice_get")
def decisions_advice_get(request, advice_id: str):
    """An advice request you asked or were asked."""
    advice = get_advice_request_for(request.auth, advice_id, action=Action.ADVICE_VIEW)
    return _advice_out(request.auth, advice)


@advice_router.post(
    "/{advice_id}/answer", response={201: AdviceOut}, operation_id="decisions_advice_give"
)
def decisions_advice_give(request, advice_id: str, payload: AdviceGiveIn):
    """The named adviser answers, once."""
    user = request.auth
    advice = get_advice_request_for(user, advice_id, action=Action.ADVICE_GIVE)
    services.advice_give(actor=user, advice_request=advice, **payload.dict())
    return Status(
        201, _advice_out(user, get_advice_request_for(user, advice.id, action=Action.ADVICE_VIEW))
    )
