"""Disagreements about consent and the safeguarding lead's guidance (item 2).
Adapters only: parse → fetch through access → call one service or selector → render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from safeshare.access.actions import Action
from safeshare.access.fetch.consent import get_conflict_for
from safeshare.access.policy import active_agency, can, require
from safeshare.access.rules.roles import CASE_ROLES
from safeshare.consent.forms import (
    GuidanceForm,
)
from safeshare.consent.selectors import (
    conflicts_open,
    consents_for_child,
    sealed,
)
from safeshare.consent.services.conflicts import conflict_guide
from safeshare.consent.status import statuses
from safeshare.consent.views.posting import submit_form
from safeshare.core import clock
from safeshare.core.errors import Forbidden
from safeshare.core.paging import answers_bad_page, paginate
from safeshare.people.identity import read_identity
from safeshare.people.selectors import (
    person_identities,
)
from safeshare.ui.query import accepts_query


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


@require_http_methods(["GET", "POST"])
def conflict_detail(request: HttpRequest, conflict_id: str) -> HttpResponse:
    """A disagreement about consent: both records, and the safeguarding lead's guidance
    and outcome. Only a safeguarding lead of the agency gives it (App. 2 Q4)."""
    conflict = get_conflict_for(request.user, conflict_id, action=Action.CONSENT_CONFLICT_VIEW)
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
