"""Pages for consent (issue #5). Adapters only: parse → fetch through access → call one
service or selector → render."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safeshare.access.actions import Action, Relation
from safeshare.access.fetch import get_person_for
from safeshare.access.fetch_consent import get_conflict_for, get_consent_for
from safeshare.access.policy import active_agency, can, person_relation, require, visible
from safeshare.access.rules.consent import RECORDER_ROLES, ConsentTarget, NoticeTarget
from safeshare.access.rules.roles import CASE_ROLES
from safeshare.agencies.models import AgencyType
from safeshare.agencies.selectors import agency_list
from safeshare.consent.forms import (
    CapacityForm,
    ConsentDecisionForm,
    ConsentForm,
    GuidanceForm,
    NoticeForm,
)
from safeshare.consent.models import (
    ConsentDecision,
    GiverRole,
    ItemCategory,
    RecipientPurpose,
    SharingPurpose,
)
from safeshare.consent.selectors import (
    capacity_assessments_for,
    conflicts_for_child,
    conflicts_open,
    consents_for_child,
    notices_for,
    people_without_notice,
    sealed,
)
from safeshare.consent.services.capacity import capacity_assess
from safeshare.consent.services.conflicts import conflict_guide
from safeshare.consent.services.consents import consent_record
from safeshare.consent.services.notices import notice_record
from safeshare.consent.status import statuses
from safeshare.core import clock
from safeshare.core.errors import Forbidden, NotFound
from safeshare.core.paging import answers_bad_page, paginate
from safeshare.people.identity import read_identity
from safeshare.people.models import Person, PersonKind
from safeshare.people.selectors import (
    parental_responsibility_holders,
    person_identities,
    relationships_for_person,
)
from safeshare.web.query import accepts_query


@accepts_query("page")
@require_GET
@answers_bad_page
def conflicts(request: HttpRequest) -> HttpResponse:
    """Disagreements about consent awaiting a safeguarding lead's guidance (App. 2 Q4),
    oldest first, a page at a time."""
    if active_agency(request.user) is None or not request.user.roles & CASE_ROLES:
        raise Forbidden()
    paged = paginate(request, conflicts_open(request.user))
    names = {c.child_id: read_identity(c.child).display_name for c in paged.rows}
    return render(request, "consent/conflicts.html", {"paged": paged, "names": names})


# --- recording a consent or refusal, and a capacity assessment (issue #5 item 1) ------------


def _child_for(request: HttpRequest, person_id: str, action: Action) -> Person:
    """The child the page is about: not found unless visible and a child; 403 unless the
    user may record about them."""
    child = get_person_for(request.user, person_id)
    if child.kind != PersonKind.CHILD:
        raise NotFound("child")
    require(request.user, action, ConsentTarget(child=child))
    return child


def _deciders(request: HttpRequest, child: Person) -> list[Person]:
    """The child and the people with parental responsibility the user may see (App. 2 Q4)."""
    holders = parental_responsibility_holders(child=child)
    seen = set(
        visible(request.user, Person.objects.filter(pk__in=[p.pk for p in holders])).values_list(
            "pk", flat=True
        )
    )
    return [child, *(p for p in holders if p.pk in seen)]


def _decider_choices(child: Person, people: list[Person]) -> list[tuple[str, str]]:
    names = person_identities(people)
    age = names[child.pk].age_on(clock.today())
    choices = []
    for person in people:
        name = names[person.pk].display_name
        if person.pk == child.pk:
            label = f"{name} (the child, aged {age})" if age is not None else f"{name} (the child)"
        else:
            label = f"{name} (has parental responsibility)"
        choices.append((str(person.pk), label))
    return choices


def _chosen(options: list, key: str | None) -> Any:
    return next((o for o in options if str(o.pk) == key), None)


def submit_form(request: HttpRequest, form: Any, write: Callable[[dict], str]) -> tuple[Any, int]:
    """Run a posted form through its service: `write` takes the answers and returns where
    to go next. Gives the redirect, or None and the status to show the form with (the
    service's errors beside their fields)."""
    if request.method != "POST":
        return None, 200
    if form.is_valid():
        try:
            return redirect(write(form.cleaned_data)), 200
        except ValidationError as error:
            form.add_service_errors(error)
    return None, 422


@accepts_query("decision")
@require_http_methods(["GET", "POST"])
def consent_new(request: HttpRequest, person_id: str) -> HttpResponse:
    """Record a consent or a refusal about a child: first which, then the details."""
    child = _child_for(request, person_id, Action.CONSENT_RECORD)
    identity = read_identity(child)
    decision = request.GET.get("decision", "")
    if decision not in ConsentDecision.values:
        form = ConsentDecisionForm(request.POST if request.method == "POST" else None)
        path = reverse("consent:new", kwargs={"person_id": child.pk})
        done, status = submit_form(
            request, form, lambda data: f"{path}?decision={data['decision']}"
        )
        if done:
            return done
        context = {"child": child, "identity": identity, "form": form, "decision": ""}
        return render(request, "consent/consent_new.html", context, status=status)
    people = _deciders(request, child)
    assessments = list(capacity_assessments_for(request.user, child))
    names = person_identities([a.person for a in assessments])
    agencies = list(agency_list().exclude(pk=request.user.agency.pk))
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        decision=decision,
        givers=_decider_choices(child, people),
        assessments=[
            (
                str(a.pk),
                f"{names[a.person_id].display_name}: {a.get_conclusion_display().lower()} "
                f"(assessed {timezone.localtime(a.assessed_at):%-d %B %Y})",
            )
            for a in assessments
        ],
        agencies=[(str(a.pk), a.name) for a in agencies],
    )

    def write(data: dict) -> str:
        given_by = _chosen(people, data["given_by_id"])
        consent = consent_record(
            actor=request.user,
            child=child,
            given_by=given_by,
            giver_role=(
                GiverRole.CHILD
                if given_by is not None and given_by.pk == child.pk
                else GiverRole.PARENTAL_RESPONSIBILITY
            ),
            decision=decision,
            given_at=data["given_at"],
            method=data["method"],
            categories=data["categories"],
            purposes=data["purposes"],
            recipient_agencies=[a for a in agencies if str(a.pk) in data["recipient_agencies"]],
            recipient_agency_types=data["recipient_agency_types"],
            recipient_purposes=data["recipient_purposes"],
            evidence=data["evidence"],
            reasons=data.get("reasons", ""),
            review_on=data["review_on"],
            expires_on=data["expires_on"],
            capacity_assessment=_chosen(assessments, data.get("capacity_assessment_id")),
            **form.flags(),
        )
        return reverse("consent:detail", kwargs={"consent_id": consent.pk})

    done, status = submit_form(request, form, write)
    if done:
        return done
    context = {"child": child, "identity": identity, "form": form, "decision": decision}
    return render(request, "consent/consent_new.html", context, status=status)


@require_http_methods(["GET", "POST"])
def capacity_new(request: HttpRequest, person_id: str) -> HttpResponse:
    """Record whether the child, or a person with parental responsibility, can understand
    and decide about sharing (App. 2 Q4; Mental Capacity Act 2005)."""
    child = _child_for(request, person_id, Action.CAPACITY_ASSESS)
    people = _deciders(request, child)
    form = CapacityForm(
        request.POST if request.method == "POST" else None,
        people=_decider_choices(child, people),
    )

    def write(data: dict) -> str:
        capacity_assess(
            actor=request.user,
            child=child,
            person=_chosen(people, data["person_id"]),
            assessed_at=data["assessed_at"],
            conclusion=data["conclusion"],
            notes=data["notes"],
        )
        return reverse("people:detail", kwargs={"person_id": child.pk})

    done, status = submit_form(request, form, write)
    if done:
        return done
    context = {"child": child, "identity": read_identity(child), "form": form}
    return render(request, "consent/capacity_new.html", context, status=status)


# --- a consent's own page (item 3) ---------------------------------------------------------


def consent_page_context(request: HttpRequest, consent_id: str) -> dict:
    """What the consent page and the withdrawal page (casework) both show about a record."""
    consent = get_consent_for(request.user, consent_id)
    require(request.user, Action.CONSENT_VIEW, consent)
    child = consent.child
    records = list(consents_for_child(request.user, child))
    people = [child, consent.given_by]
    conflicts = [
        c
        for c in conflicts_for_child(request.user, child)
        if consent.pk in (c.consent_id, c.refusal_id)
    ]
    people += [c.consent.given_by for c in conflicts] + [c.refusal.given_by for c in conflicts]
    withdrawal = getattr(consent, "withdrawal", None)
    return {
        "consent": consent,
        "child": child,
        "names": person_identities(people),
        "status": statuses(records, at=clock.now())[consent.pk],
        "agencies": sorted(a.name for a in consent.recipient_agencies.all()),
        "labels": {
            "categories": _labels(ItemCategory, consent.categories),
            "purposes": _labels(SharingPurpose, consent.purposes),
            "types": _labels(AgencyType, consent.recipient_agency_types),
            "recipient_purposes": _labels(RecipientPurpose, consent.recipient_purposes),
        },
        "evidence": sealed(child, consent, "evidence"),
        "reasons": sealed(child, consent, "reasons"),
        "withdrawal": withdrawal,
        "withdrawal_reasons": sealed(child, withdrawal, "reasons") if withdrawal else None,
        "conflicts": conflicts,
        "may_withdraw": consent.is_given
        and withdrawal is None
        and can(request.user, Action.CONSENT_WITHDRAW, consent),
    }


def _labels(choices: type, codes: list[str]) -> list[str]:
    return [label for code, label in choices.choices if code in codes]


@require_GET
def consent_detail(request: HttpRequest, consent_id: str) -> HttpResponse:
    """A consent or refusal: who, when, how, its scope, where it stands and any conflict."""
    return render(request, "consent/detail.html", consent_page_context(request, consent_id))


# --- a disagreement and the safeguarding lead's guidance (item 2) --------------------------


@require_http_methods(["GET", "POST"])
def conflict_detail(request: HttpRequest, conflict_id: str) -> HttpResponse:
    """A disagreement about consent: both records, and the safeguarding lead's guidance
    and outcome. Only a safeguarding lead of the agency gives it (App. 2 Q4)."""
    conflict = get_conflict_for(request.user, conflict_id)
    require(request.user, Action.CONSENT_CONFLICT_VIEW, conflict)
    guidance = getattr(conflict, "guidance", None)
    may_guide = guidance is None and can(request.user, Action.CONSENT_CONFLICT_GUIDE, conflict)
    if request.method == "POST":
        require(request.user, Action.CONSENT_CONFLICT_GUIDE, conflict)
    form = GuidanceForm(request.POST if request.method == "POST" else None)

    def write(data: dict) -> str:
        conflict_guide(
            actor=request.user,
            conflict=conflict,
            guidance=data["guidance"],
            outcome=data["outcome"],
        )
        return reverse("consent:conflict", kwargs={"conflict_id": conflict.pk})

    done, status = submit_form(request, form, write)
    if done:
        return done
    child = conflict.child
    records = [conflict.consent, conflict.refusal]
    context = {
        "conflict": conflict,
        "child": child,
        "names": person_identities([child, *(r.given_by for r in records)]),
        "statuses": statuses(consents_for_child(request.user, child), at=clock.now()),
        "guidance": guidance,
        "guidance_text": sealed(child, guidance, "guidance") if guidance else None,
        "form": form if may_guide or request.method == "POST" else None,
    }
    return render(request, "consent/conflict.html", context, status=status)


# --- the notice at first contact (item 5; Protocol 6.2) ------------------------------------


@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest, person_id: str) -> HttpResponse:
    """Record that the person, or a parent or carer for them, was told how your agency
    shares information and on what basis (Protocol 6.2)."""
    person = get_person_for(request.user, person_id)
    require(request.user, Action.NOTICE_RECORD, NoticeTarget(person=person))
    relationships = list(relationships_for_person(person=person))
    related = [r.related_person if r.person_id == person.pk else r.person for r in relationships]
    seen = set(
        visible(request.user, Person.objects.filter(pk__in=[p.pk for p in related])).values_list(
            "pk", flat=True
        )
    )
    people = [person, *(p for p in related if p.pk in seen)]
    names = person_identities(people)
    choices = [(str(person.pk), f"{names[person.pk].display_name} (the person themself)")]
    choices += [(str(p.pk), names[p.pk].display_name) for p in people[1:]]
    form = NoticeForm(request.POST if request.method == "POST" else None, people=choices)

    def write(data: dict) -> str:
        notice_record(
            actor=request.user,
            person=person,
            told_on=data["told_on"],
            method=data["method"],
            told_to=_chosen(people, data["told_to_id"]),
        )
        return reverse("people:detail", kwargs={"person_id": person.pk})

    done, status = submit_form(request, form, write)
    if done:
        return done
    notices = list(notices_for(request.user, person))
    context = {
        "person": person,
        "identity": names[person.pk],
        "form": form,
        "notices": notices,
        "told": person_identities(n.told_to for n in notices if n.told_to),
    }
    return render(request, "consent/notice_new.html", context, status=status)


@accepts_query("page")
@require_GET
@answers_bad_page
def without_notice(request: HttpRequest) -> HttpResponse:
    """People your agency works with who have no record of being told how it shares
    information (Protocol 6.2), longest-waiting first, a page at a time."""
    if active_agency(request.user) is None or not request.user.roles & CASE_ROLES:
        raise Forbidden()
    paged = paginate(request, people_without_notice(request.user))
    context = {
        "paged": paged,
        "names": person_identities(paged.rows),  # only this page's people
        "may_record": bool(request.user.roles & RECORDER_ROLES),
    }
    return render(request, "consent/without_notice.html", context)


# --- the consent section of a person's page (item 1; golden rule 4) ------------------------


def person_section(user: Any, person: Person) -> dict | None:
    """What the person page shows of consent: the records on file about a child, the
    notice at first contact, open disagreements, and what the user may record. None
    unless the user's agency works with the person."""
    if person_relation(user, person) != Relation.OWN_AGENCY:
        return None
    is_child = person.kind == PersonKind.CHILD
    records = list(consents_for_child(user, person)) if is_child else []
    notices = list(notices_for(user, person))
    conflicts = list(conflicts_for_child(user, person)) if is_child else []
    return {
        "is_child": is_child,
        "records": records,
        "statuses": statuses(records, at=clock.now()),
        "names": person_identities([r.given_by for r in records]),
        "notice": notices[0] if notices else None,
        "conflicts": [c for c in conflicts if getattr(c, "guidance", None) is None],
        "may_record": is_child and can(user, Action.CONSENT_RECORD, ConsentTarget(child=person)),
        "may_notice": can(user, Action.NOTICE_RECORD, NoticeTarget(person=person)),
    }
