"""The decision aid's state in the session, never in a URL.

Who the decision is about, which decision it corrects, which record it will
answer (an information request, by kind and opaque id) and the answer codes
so far. Pages of this app and of the exchange app (taking a request on starts
the aid) go through these helpers, so the shape is defined once.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from safeshare.access.actions import Action
from safeshare.access.fetch.decisions import get_decision_for
from safeshare.access.fetch.people import get_person_for
from safeshare.access.policy import require
from safeshare.access.rules.decisions import DecisionTarget
from safeshare.core import clock
from safeshare.core.errors import NotFound
from safeshare.decisions import aid, selectors
from safeshare.decisions.models import Decision
from safeshare.decisions.packs import Pack
from safeshare.people.models import Person

SESSION_KEY = "decisions.aid"
# The kind of record a decision in the aid answers: an information request (the
# exchange app starts the aid from one, and casework answers it).
ANSWERING_REQUEST = "request"


def flow_start(
    request: HttpRequest,
    *,
    subject_id: str | None,
    answers: dict[str, str] | None = None,
    supersedes_id: str | None = None,
    answering: tuple[str, str] | None = None,
) -> None:
    """Begin a decision in the aid, replacing any other in progress."""
    flow_save(
        request,
        {
            "subject": subject_id,
            "answers": dict(answers or {}),
            "supersedes": supersedes_id,
            "answering": list(answering) if answering else None,
        },
    )


def flow_get(request: HttpRequest) -> dict:
    """The decision in progress, or not found."""
    flow = request.session.get(SESSION_KEY)
    if not isinstance(flow, dict):
        raise NotFound("decision in progress")
    return flow


def flow_save(request: HttpRequest, flow: dict) -> None:
    request.session[SESSION_KEY] = flow
    request.session.modified = True


def flow_end(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def flow_answering(flow: dict) -> tuple[str, str] | None:
    """The (kind, id) of the record the decision will answer, if it was started from one."""
    answering = flow.get("answering")
    return (str(answering[0]), str(answering[1])) if answering else None


def flow_stop_answering(request: HttpRequest, flow: dict) -> None:
    """The record the decision would answer has closed: the decision answers nothing now."""
    flow["answering"] = None
    flow_save(request, flow)


def flow_subject(request: HttpRequest, flow: dict) -> Person | None:
    """Who the decision in progress is about, fetched through access (None: anonymised)."""
    return (
        get_person_for(request.user, flow["subject"], action=Action.PERSON_VIEW)
        if flow.get("subject")
        else None
    )


def flow_supersedes(request: HttpRequest, flow: dict) -> Decision | None:
    """The decision the one in progress corrects, fetched through access."""
    return (
        get_decision_for(request.user, flow["supersedes"], action=Action.DECISION_VIEW)
        if flow.get("supersedes")
        else None
    )


def flow_require_allowed(request: HttpRequest, flow: dict) -> Person | None:
    """Refuse unless the user may record (or correct) the decision in progress; returns
    who it is about."""
    subject = flow_subject(request, flow)
    supersedes = flow_supersedes(request, flow)
    if supersedes is not None:
        require(request.user, Action.DECISION_SUPERSEDE, supersedes)
    else:
        require(request.user, Action.DECISION_RECORD, DecisionTarget(subject=subject))
    return subject


def flow_recommendation(request: HttpRequest, flow: dict) -> tuple[Pack, aid.Recommendation | None]:
    """The pack in force and the aid's recommendation on the answers so far (None while
    they are incomplete or no longer valid)."""
    pack = selectors.pack_in_force()
    try:
        return pack, aid.recommend(
            pack,
            flow.get("answers") or {},
            as_at=clock.today(),
            agency_type=request.user.agency.agency_type,
        )
    except (aid.IncompleteAnswers, ValidationError):
        return pack, None
