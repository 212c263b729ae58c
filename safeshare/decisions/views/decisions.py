"""Decision pages: the decision aid (every question on one page, or one per page), the
recommendation above the record form, a decision, departures to review, advice, and the
protocol packs.

Adapters only: parse → fetch through access → call one service or selector →
render. The aid's state lives in the session (`decisions.flow`, never in a URL).
"""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from safeshare.access.actions import Action
from safeshare.access.fetch import get_person_for
from safeshare.access.fetch_decisions import get_advice_request_for, get_decision_for
from safeshare.access.policy import can, require, visible_people_worked_with
from safeshare.access.rules.decisions import ADVISER_ROLES, AdviceTarget, DecisionTarget
from safeshare.access.rules.exchange import ShareSource
from safeshare.access.rules.roles import CASE_ROLES
from safeshare.agencies.models import User
from safeshare.core import clock
from safeshare.core.errors import Forbidden, NotFound
from safeshare.core.paging import answers_bad_page, paginate
from safeshare.decisions import aid, selectors, services
from safeshare.decisions.flow import flow_get, flow_require_allowed, flow_save, flow_start
from safeshare.decisions.forms import (
    ANONYMISED,
    AdviceAskForm,
    AdviceGiveForm,
    AidAnswersForm,
    AidQuestionForm,
    AidStartForm,
    PackChooseForm,
    ReviewForm,
)
from safeshare.decisions.models import AdviceRequest, DecisionOutcome
from safeshare.people.models import Person
from safeshare.people.selectors import (
    people_for_agency,
    person_identities,
)
from safeshare.web.query import accepts_query


def _require_case_role(request: HttpRequest) -> None:
    if request.user.agency is None or not request.user.roles & CASE_ROLES:
        raise Forbidden()


# The choice list of people on the aid's first page and the advice form.
CHOOSE_FROM = 50


def _children(user: User, *, also: str | None = None) -> list[tuple[str, str]]:
    """The people the user's agency most recently began working with (at most
    ``CHOOSE_FROM``, newest first), by name, for a choice list; and the person ``also``
    names (a person page links here with their opaque id), wherever they are.

    Names are encrypted, so a longer list could be neither sorted nor searched by
    name, and each entry costs a decryption: anyone else is found first, by NHS
    number or by name and date of birth, and the aid started from their page.
    """
    scope = visible_people_worked_with(user, Person.objects.all())
    people = list(
        people_for_agency(queryset=scope, agency=user.agency).filter(shredded_at__isnull=True)[
            :CHOOSE_FROM
        ]
    )
    if also and all(str(p.pk) != also for p in people):
        try:
            named = scope.filter(pk=uuid.UUID(also), shredded_at__isnull=True).first()
        except ValueError:
            named = None  # not an id: nobody to add; the choice is then refused by name
        if named is not None:
            people.append(named)
    identities = person_identities(people)
    return [(str(p.pk), identities[p.pk].display_name) for p in people]


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
        subject = None if about == ANONYMISED else get_person_for(request.user, about)
        require(request.user, Action.DECISION_RECORD, DecisionTarget(subject=subject))
        flow_start(request, subject_id=str(subject.pk) if subject else None)
        return redirect("decisions:aid_answers")
    return render(
        request,
        "decisions/aid_start.html",
        {"form": form, "choose_from": CHOOSE_FROM},
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


# ---------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------


def _may_decide(user: User) -> bool:
    """Whether to offer "Decide whether to share": only to roles that record decisions."""
    return can(user, Action.DECISION_RECORD, DecisionTarget(subject=None))


@accepts_query("page")
@answers_bad_page
def decision_list(request: HttpRequest) -> HttpResponse:
    """Your agency's decisions, newest first, a page at a time."""
    _require_case_role(request)
    paged = paginate(request, selectors.decision_list_for_agency(user=request.user))
    return render(
        request,
        "decisions/list.html",
        {"paged": paged, "title": "Decisions", "may_decide": _may_decide(request.user)},
    )


@accepts_query("page")
@answers_bad_page
def decision_list_for_person(request: HttpRequest, person_id: str) -> HttpResponse:
    """Your agency's decisions about one person, superseded ones included, a page at a time."""
    _require_case_role(request)
    person = get_person_for(request.user, person_id)
    paged = paginate(request, selectors.decision_list_for_person(user=request.user, person=person))
    identity = person_identities([person])[person.pk]
    return render(
        request,
        "decisions/list.html",
        {
            "paged": paged,
            "title": f"Decisions about {identity.display_name}",
            "may_decide": _may_decide(request.user),
        },
    )


def decision_detail(request: HttpRequest, decision_id: str) -> HttpResponse:
    """A decision: pack and version, recommendation and why, departure, reviews, corrections."""
    decision = get_decision_for(request.user, decision_id)
    require(request.user, Action.DECISION_VIEW, decision)
    decision = selectors.decision_get_detail(decision=decision)
    text = selectors.decision_text(decision)
    subject_name = (
        person_identities([decision.subject])[decision.subject.pk].display_name
        if decision.subject
        else None
    )
    reviews = [(r, selectors.review_text(r)) for r in decision.reviews.all()]
    advice = [(a, selectors.advice_text(a)) for a in decision.advice_requests.all()]
    return render(
        request,
        "decisions/detail.html",
        {
            "banners": [str(message) for message in messages.get_messages(request)],
            "decision": decision,
            "text": text,
            "subject_name": subject_name,
            "reviews": reviews,
            "advice": advice,
            "may_supersede": can(request.user, Action.DECISION_SUPERSEDE, decision)
            and not decision.is_superseded,
            "may_review": can(request.user, Action.DECISION_REVIEW, decision)
            and decision.departs_from_recommendation
            and not reviews,
            # The share that carries out a decision to share is built from here.
            "may_share": decision.outcome == DecisionOutcome.SHARE
            and not decision.is_superseded
            and can(request.user, Action.SHARE_SEND, ShareSource(decision=decision)),
        },
    )


@require_POST
def decision_supersede(request: HttpRequest, decision_id: str) -> HttpResponse:
    """Start correcting a decision: the aid runs again for the same child."""
    decision = get_decision_for(request.user, decision_id)
    require(request.user, Action.DECISION_SUPERSEDE, decision)
    flow_start(
        request,
        subject_id=str(decision.subject_id) if decision.subject_id else None,
        answers=dict(decision.answers),
        supersedes_id=str(decision.pk),
    )
    return redirect("decisions:aid_record")


@require_http_methods(["GET", "POST"])
def decision_review(request: HttpRequest, decision_id: str) -> HttpResponse:
    """A safeguarding lead reviews a decision that departs from the recommendation."""
    decision = get_decision_for(request.user, decision_id)
    require(request.user, Action.DECISION_REVIEW, decision)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_review(actor=request.user, decision=decision, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("decisions:detail", decision_id=decision.pk)
    return render(request, "decisions/review.html", {"form": form, "decision": decision})


@accepts_query("page")
@answers_bad_page
def departures(request: HttpRequest) -> HttpResponse:
    """Decisions that depart from the aid's recommendation, awaiting your review, oldest
    first, a page at a time."""
    _require_case_role(request)
    paged = paginate(request, selectors.decision_departures_awaiting_review(user=request.user))
    return render(request, "decisions/departures.html", {"paged": paged})


# ---------------------------------------------------------------------------
# Advice
# ---------------------------------------------------------------------------


@accepts_query("awaiting_page", "asked_page")
@answers_bad_page
def advice_list(request: HttpRequest) -> HttpResponse:
    """Advice put to you and awaiting your answer, and advice you asked for, each paged."""
    _require_case_role(request)
    return render(
        request,
        "decisions/advice_list.html",
        {
            "awaiting": paginate(
                request,
                selectors.advice_awaiting_answer(user=request.user),
                param="awaiting_page",
                anchor="awaiting",
            ),
            "asked": paginate(
                request,
                selectors.advice_asked_by(user=request.user),
                param="asked_page",
                anchor="asked",
            ),
            "may_ask": can(request.user, Action.ADVICE_REQUEST, AdviceTarget(subject=None)),
        },
    )


@require_http_methods(["GET", "POST"])
def advice_ask(request: HttpRequest) -> HttpResponse:
    """Ask your safeguarding lead or lead information officer, without naming the child
    unless you choose to (golden rule 3)."""
    user = request.user
    require(user, Action.ADVICE_REQUEST, AdviceTarget(subject=None))
    advisers = [
        u
        for u in User.objects.filter(
            membership__agency=user.agency, membership__active=True, is_active=True
        )
        .exclude(pk=user.pk)
        .prefetch_related("membership__role_grants")
        .select_related("membership")
        if u.roles & ADVISER_ROLES
    ]
    form = AdviceAskForm(
        request.POST or None,
        advisers=[(str(u.pk), str(u)) for u in advisers],
        children=_children(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = get_person_for(user, data["subject"]) if data["subject"] else None
        adviser = next((u for u in advisers if str(u.pk) == data["adviser"]), None)
        try:
            advice = services.advice_request(
                actor=user,
                adviser=adviser,
                subject=subject,
                question=data["question"],
                identity_revealed=data["identity_revealed"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("decisions:advice_detail", advice_id=advice.pk)
    return render(request, "decisions/advice_ask.html", {"form": form})


@require_http_methods(["GET", "POST"])
def advice_detail(request: HttpRequest, advice_id: str) -> HttpResponse:
    """An advice request: the question, the child only if revealed, and the answer."""
    user = request.user
    advice = get_advice_request_for(user, advice_id)
    require(user, Action.ADVICE_VIEW, advice)
    may_answer = can(user, Action.ADVICE_GIVE, advice) and not selectors.advice_answered(advice)
    form = AdviceGiveForm(request.POST or None) if may_answer else None
    if request.method == "POST":
        require(user, Action.ADVICE_GIVE, advice)
        if form is not None and form.is_valid():
            try:
                services.advice_give(actor=user, advice_request=advice, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return redirect("decisions:advice_detail", advice_id=advice.pk)
        elif form is None:
            raise Forbidden()
    subject = selectors.advice_subject_for(user=user, advice=advice)
    subject_name = person_identities([subject])[subject.pk].display_name if subject else None
    advice = AdviceRequest.objects.select_related("response", "asked_by", "adviser").get(
        pk=advice.pk
    )
    return render(
        request,
        "decisions/advice_detail.html",
        {
            "advice": advice,
            "text": selectors.advice_text(advice),
            "subject_name": subject_name,
            "response": getattr(advice, "response", None),
            "form": form,
        },
    )


# ---------------------------------------------------------------------------
# Protocol packs
# ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def packs(request: HttpRequest) -> HttpResponse:
    """The shipped packs, the one in force, review dates, and (partnership officer) choosing."""
    user = request.user
    require(user, Action.PACK_VIEW)
    may_choose = can(user, Action.PACK_CHOOSE)
    summaries = selectors.pack_list()
    form = PackChooseForm(
        request.POST or None,
        packs=[(s.pack.id, f"{s.pack.title} (version {s.pack.version})") for s in summaries],
    )
    if request.method == "POST":
        require(user, Action.PACK_CHOOSE)
        if form.is_valid():
            try:
                services.pack_choose(actor=user, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return redirect("decisions:packs")
    return render(
        request,
        "decisions/packs.html",
        {
            "summaries": summaries,
            "choices": list(selectors.pack_choice_list()[:50]),
            "form": form if may_choose else None,
            "today": clock.today(),
        },
    )
