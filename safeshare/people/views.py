"""People pages: the agency's caseload, finding a person, recording one, a person's page.

Adapters only: parse → fetch through access → call one service or selector →
render. Searches are POSTs, so nothing personal reaches a URL.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeshare.access.actions import Action
from safeshare.access.fetch import get_person_for
from safeshare.access.policy import can, person_relation, visible, visible_people_worked_with
from safeshare.access.rules.decisions import DecisionTarget
from safeshare.access.rules.exchange import ReferralTarget
from safeshare.access.rules.roles import CASE_ROLES
from safeshare.consent.timeline import person_timeline
from safeshare.consent.views.consents import person_section as consent_section
from safeshare.core.errors import Forbidden
from safeshare.core.paging import answers_bad_page, paginate
from safeshare.people import selectors, services
from safeshare.people.forms import PersonAddForm, PersonFindForm
from safeshare.people.models import Person
from safeshare.web.query import accepts_query


def _require_case_role(request: HttpRequest) -> None:
    if not request.user.roles & CASE_ROLES or request.user.agency is None:
        raise Forbidden()


@accepts_query("page")
@answers_bad_page
def caseload(request: HttpRequest) -> HttpResponse:
    """The people the user's agency works with now, newest first, a page at a time.

    Names are encrypted, so the list cannot be sorted by name: the page points
    to finding a person by NHS number, or name and date of birth, instead.
    """
    _require_case_role(request)
    scope = visible_people_worked_with(request.user, Person.objects.all())
    paged = paginate(
        request,
        selectors.people_with_involvements(
            queryset=selectors.people_for_agency(queryset=scope, agency=request.user.agency)
        ),
    )
    identities = selectors.person_identities(paged.rows)  # only this page's people
    rows = [(person, identities[person.pk]) for person in paged.rows]
    return render(
        request,
        "people/caseload.html",
        {
            "rows": rows,
            "paged": paged,
            "may_add": can(request.user, Action.PERSON_CREATE, request.user.agency),
        },
    )


@require_http_methods(["GET", "POST"])
def find(request: HttpRequest) -> HttpResponse:
    """Exact match by NHS number, or by name and date of birth, among people you may see."""
    _require_case_role(request)
    form = PersonFindForm(request.POST if request.method == "POST" else None)
    results = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            people = selectors.person_search(
                request.user,
                nhs_number=data["nhs_number"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            identities = selectors.person_identities_for(request.user, people)
            results = [(person, identities[person.pk]) for person in people]
    return render(request, "people/find.html", {"form": form, "results": results})


@require_http_methods(["GET", "POST"])
def add(request: HttpRequest) -> HttpResponse:
    """Record a person your agency works with; their identity is encrypted at rest."""
    agency = request.user.agency
    if not can(request.user, Action.PERSON_CREATE, agency):
        raise Forbidden()
    form = PersonAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(
                actor=request.user,
                agency=agency,
                kind=data["kind"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                nhs_number=data["nhs_number"] or None,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/add.html", {"form": form})


def detail(request: HttpRequest, person_id: str) -> HttpResponse:
    """A person's identity, family and the agencies working with them."""
    person = get_person_for(request.user, person_id, action=Action.PERSON_VIEW)
    relationships = list(selectors.relationships_for_person(person=person))
    related = [r.related_person if r.person_id == person.pk else r.person for r in relationships]
    seen = set(
        visible(request.user, Person.objects.filter(pk__in=[p.pk for p in related])).values_list(
            "pk", flat=True
        )
    )
    identities = selectors.person_identities([p for p in related if p.pk in seen])
    family = [
        (relationship, other, identities.get(other.pk))
        for relationship, other in zip(relationships, related, strict=True)
    ]
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "identity": selectors.person_identity_for(request.user, person),
            "relation": person_relation(request.user, person),
            "family": family,
            "involvements": list(selectors.involvements_for_person(person=person)),
            "may_decide": can(request.user, Action.DECISION_RECORD, DecisionTarget(subject=person)),
            "may_ask_or_refer": can(
                request.user, Action.REFERRAL_MAKE, ReferralTarget(subject=person)
            ),
            "consent": consent_section(request.user, person),
            "timeline": person_timeline(request.user, person),
        },
    )
