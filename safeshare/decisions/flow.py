"""The decision aid's state in the session, never in a URL.

Who the decision is about, which decision it corrects, which record it will
answer (an information request, by kind and opaque id) and the answer codes
so far. Pages of this app and of the exchange app (taking a request on starts
the aid) go through these helpers, so the shape is defined once.
"""

from django.http import HttpRequest

from safeshare.core.errors import NotFound

SESSION_KEY = "decisions.aid"


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
