"""The decision aid's pages: choose the child, then every question on one page, or one
per page. The aid's state lives in the session (`decisions.flow`, never in a URL);
its record step is casework's (`casework.views.aid_record`)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeshare.access.actions import Action
from safeshare.access.fetch.people import get_person_for
from safeshare.access.policy import require
from safeshare.access.rules.decisions import DecisionTarget
from safeshare.core import clock
from safeshare.core.errors import NotFound
from safeshare.decisions import aid, selectors
from safeshare.decisions.flow import flow_get, flow_require_allowed, flow_save, flow_start
from safeshare.decisions.forms import (
    ANONYMISED,
    AidAnswersForm,
    AidQuestionForm,
    AidStartForm,
)
from safeshare.ui.query import accepts_query

from . import _common
from ._common import _children

# ---------------------------------------------------------------------------
# The aid's state in the session (decisions.flow)
# ---------------------------------------------------------------------------


def _path(pack, answers: dict) -> dict:
    """Keep only the answers on the path the aid now takes."""
    kept = aid.questions_answered(pack, answers, as_at=clock.today())
    return {q.id: answers[q.id] for q in kept}


# ---------------------------------------------------------------------------
# The decision aid
# ---------------------------------------------------------------------------


@accepts_query("person")
@require_http_methods(["GET", "POST"])
def aid_start(request: HttpRequest) -> HttpResponse:
    """Start the decision aid: choose the child, or anonymised information."""
    require(request.user, Action.DECISION_RECORD, DecisionTarget(subject=None))
    # A person page links here with ?person=<id> (an opaque id, never personal data).
    form = AidStartForm(
        request.POST or None,
        children=_children(request.user, also=request.GET.get("person")),
        initial={"about": request.GET.get("person", "")},
    )
    if request.method == "POST" and form.is_valid():
        about = form.cleaned_data["about"]
        subject = (
            None
            if about == ANONYMISED
            else get_person_for(request.user, about, action=Action.PERSON_VIEW)
        )
        require(request.user, Action.DECISION_RECORD, DecisionTarget(subject=subject))
        flow_start(request, subject_id=str(subject.pk) if subject else None)
        return redirect("decisions:aid_answers")
    return render(
        request,
        "decisions/aid_start.html",
        {"form": form, "choose_from": _common.CHOOSE_FROM},
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def aid_answers(request: HttpRequest) -> HttpResponse:
    """Every question on one page, in the pack's order; each one asked only after certain
    answers says so. The server walks the answers: those off the path are dropped, and a
    question on the path left unanswered is an error naming it (Protocol App. 4)."""
    flow = flow_get(request)
    flow_require_allowed(request, flow)
    pack = selectors.pack_in_force()
    today = clock.today()
    graph = aid.question_graph(pack, as_at=today)
    only_if = aid.asked_only_if(pack, as_at=today)
    form = AidAnswersForm(
        request.POST or None,
        questions=[(pack.questions[qid], only_if.get(qid, "")) for qid in graph],
        initial=flow.get("answers") or {},
    )
    if request.method == "POST" and form.is_valid():
        given = {qid: code for qid, code in form.cleaned_data.items() if code}
        kept = _path(pack, given)
        unanswered = aid.next_question(pack, kept, as_at=today)
        if unanswered is None:
            flow["answers"] = kept
            flow_save(request, flow)
            return redirect("decisions:aid_record")
        form.add_error(unanswered.id, f"Select an answer to '{unanswered.text}'")
    return render(
        request,
        "decisions/aid_answers.html",
        {
            "form": form,
            "pack": pack,
            "graph": {"start": aid.first_question(pack, as_at=today), "questions": graph},
            "paragraphs": {qid: "; ".join(pack.questions[qid].paragraphs) for qid in graph},
        },
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def aid_question(request: HttpRequest, question_id: str | None = None) -> HttpResponse:
    """One question per page, for those who prefer it and for "Change" links: the next
    unanswered one, or the one being changed."""
    flow = flow_get(request)
    flow_require_allowed(request, flow)
    pack = selectors.pack_in_force()
    answers = dict(flow.get("answers") or {})
    if question_id is None:
        question = aid.next_question(pack, _path(pack, answers), as_at=clock.today())
        if question is None:
            return redirect("decisions:aid_record")
    else:
        question = pack.questions.get(question_id)
        if question is None:
            raise NotFound("question")
    initial = {"answer": answers.get(question.id)}
    form = AidQuestionForm(request.POST or None, question=question, initial=initial)
    if request.method == "POST" and form.is_valid():
        answers[question.id] = form.cleaned_data["answer"]
        flow["answers"] = _path(pack, answers)
        flow_save(request, flow)
        if aid.next_question(pack, flow["answers"], as_at=clock.today()) is None:
            return redirect("decisions:aid_record")
        return redirect("decisions:aid_question")
    return render(
        request, "decisions/aid_question.html", {"form": form, "question": question, "pack": pack}
    )
