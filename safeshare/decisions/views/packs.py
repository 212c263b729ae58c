"""The protocol packs page: the shipped packs, the one in force, and choosing one."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeshare.access.actions import Action
from safeshare.access.policy import can, require
from safeshare.core import clock
from safeshare.decisions import selectors, services
from safeshare.decisions.forms import (
    PackChooseForm,
)

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
