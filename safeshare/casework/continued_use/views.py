"""The recipient's decision on continued use of a share whose consent was withdrawn
(issue #5 item 4). Adapters only: fetch the share through access → call one service.

The page sits with the consent pages (`consent:continued_use`, mounted by
`config/urls.py` from `casework.continued_use.urls`): it reads the consent a share
relied on and writes exchange's decision on continued use."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeshare.access.actions import Action
from safeshare.access.fetch.exchange import get_share_for
from safeshare.agencies.backends import signed_in_user
from safeshare.casework.continued_use.forms import ContinuedUseForm
from safeshare.core.errors import Forbidden
from safeshare.exchange.selectors_continued_use import continued_use_recipient, share_consent
from safeshare.exchange.services import continued_use_record


@require_http_methods(["GET", "POST"])
def continued_use(request: HttpRequest, share_id: str) -> HttpResponse:
    """A practitioner or safeguarding lead of a receiving agency records whether it stops
    using the information or continues on another basis, with its reasons."""
    share = get_share_for(request.user, share_id, action=Action.SHARE_VIEW)
    if continued_use_recipient(request.user, share) is None:
        raise Forbidden()
    view = share_consent(request.user, share)
    if request.method == "GET" and not view.may_record_use:
        return redirect("exchange:share_detail", share_id=share.pk)
    form = ContinuedUseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            continued_use_record(
                actor=signed_in_user(request),
                share=share,
                decision=form.cleaned_data["decision"],
                reasons=form.cleaned_data["reasons"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("exchange:share_detail", share_id=share.pk)
    status = 422 if form.errors else 200
    return render(
        request,
        "exchange/continued_use.html",
        {"share": share, "consent": view, "form": form},
        status=status,
    )
