"""People pages: the agency's caseload, finding a person, recording one.

The person page is casework's (`casework.views`): it shows other apps' records too.

Adapters only: parse → fetch through access → call one service or selector →
render. Searches are POSTs, so nothing personal reaches a URL.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeshare.access.actions import Action
from safeshare.access.policy import can
from safeshare.access.rules.roles import CASE_ROLES
from safeshare.core.errors import Forbidden
from safeshare.core.paging import answers_bad_page, paginate
from safeshare.people import selectors
from safeshare.people.forms import PersonAddForm, PersonFindForm
from safeshare.people.services.people import person_create
from safeshare.ui.query import accepts_query


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
    scope = selectors.people_worked_with(request.user)
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
            person = person_create(
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
