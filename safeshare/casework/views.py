"""Pages for flows that cross apps (STYLE §1). Adapters only: parse → fetch through
access → call one casework flow → render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeshare.access.actions import Action
from safeshare.access.policy import require
from safeshare.casework.withdrawal import consent_withdraw_and_tell
from safeshare.consent.forms import WithdrawForm
from safeshare.consent.views.consents import consent_page_context
from safeshare.consent.views.posting import submit_form


@require_http_methods(["GET", "POST"])
def consent_withdraw_page(request: HttpRequest, consent_id: str) -> HttpResponse:
    """Record that consent was withdrawn: no new share may rely on it from then, and each
    agency that received information under it is told (App. 2 Q4)."""
    context = consent_page_context(request, consent_id)
    consent = context["consent"]
    require(request.user, Action.CONSENT_WITHDRAW, consent)
    form = WithdrawForm(request.POST if request.method == "POST" else None)

    def write(data: dict) -> str:
        consent_withdraw_and_tell(
            actor=request.user,
            consent=consent,
            withdrawn_at=data["withdrawn_at"],
            method=data["method"],
            reasons=data["reasons"],
        )
        return reverse("consent:detail", kwargs={"consent_id": consent.pk})

    done, status = submit_form(request, form, write)
    if done:
        return done
    context["form"] = form
    return render(request, "consent/withdraw.html", context, status=status)
