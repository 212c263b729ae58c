"""Pages for consent and refusal records (issue #5 items 1 and 3).
Adapters only: parse → fetch through access → call one service or selector → render."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safeshare.access.actions import Action, Relation
from safeshare.access.fetch.consent import get_consent_for
from safeshare.access.policy import can, person_relation
from safeshare.access.rules.consent import ConsentTarget, NoticeTarget
from safeshare.agencies.models import AgencyType
from safeshare.agencies.selectors import agency_list
from safeshare.consent.forms import (
    ConsentDecisionForm,
    ConsentForm,
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
    consents_for_child,
    notices_for,
    sealed,
)
from safeshare.consent.services.consents import consent_record
from safeshare.consent.status import statuses
from safeshare.consent.views.deciders import child_for, decider_choices, deciders
from safeshare.consent.views.posting import chosen, submit_form
from safeshare.core import clock
from safeshare.people.identity import read_identity
from safeshare.people.models import Person, PersonKind
from safeshare.people.selectors import (
    person_identities,
)
from safeshare.ui.query import accepts_query


@accepts_query("decision")
@require_http_methods(["GET", "POST"])
def consent_new(request: HttpRequest, person_id: str) -> HttpResponse:
    """Record a consent or a refusal about a child: first which, then the details."""
    child = child_for(request, person_id, Action.CONSENT_RECORD)
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
    people = deciders(request, child)
    assessments = list(capacity_assessments_for(request.user, child))
    names = person_identities([a.person for a in assessments])
    agencies = list(agency_list().exclude(pk=request.user.agency.pk))
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        decision=decision,
        givers=decider_choices(child, people),
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
        given_by = chosen(people, data["given_by_id"])
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
            capacity_assessment=chosen(assessments, data.get("capacity_assessment_id")),
            **form.flags(),
        )
        return reverse("consent:detail", kwargs={"consent_id": consent.pk})

    done, status = submit_form(request, form, write)
    if done:
        return done
    context = {"child": child, "identity": identity, "form": form, "decision": decision}
    return render(request, "consent/consent_new.html", context, status=status)


def consent_page_context(request: HttpRequest, consent_id: str) -> dict:
    """What the consent page and the withdrawal page (casework) both show about a record."""
    consent = get_consent_for(request.user, consent_id, action=Action.CONSENT_VIEW)
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
