"""Pages for consent (issue #5). Adapters only: parse → fetch through access → call one
service or selector → render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeshare.access.policy import active_agency
from safeshare.access.rules.roles import CASE_ROLES
from safeshare.consent.selectors import conflicts_open
from safeshare.core.errors import Forbidden
from safeshare.people.identity import read_identity


@require_GET
def conflicts(request: HttpRequest) -> HttpResponse:
    """Disagreements about consent awaiting a safeguarding lead's guidance (App. 2 Q4)."""
    if active_agency(request.user) is None or not request.user.roles & CASE_ROLES:
        raise Forbidden()
    items = list(conflicts_open(request.user))
    names = {c.child_id: read_identity(c.child).display_name for c in items}
    return render(request, "consent/conflicts.html", {"conflicts": items, "names": names})
