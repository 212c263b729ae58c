"""The page for a MASH referral of a child to another agency's front door."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeshare.access.actions import Action
from safeshare.access.fetch.people import get_person_for
from safeshare.exchange import forms, selectors, services
from safeshare.exchange.services.referrals import CONSENT_REASONS
from safeshare.people.identity import read_identity


@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, person_id: str) -> HttpResponse:
    """Refer a child to the children's trust front door (MASH), same day, consent not needed."""
    subject = get_person_for(request.user, person_id, action=Action.REFERRAL_MAKE)
    labels = dict(selectors.consent_reason_choices())
    form = forms.ReferralForm(
        request.POST if request.method == "POST" else None,
        consent_reasons=[(code, labels.get(code, code)) for code in CONSENT_REASONS],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_make(
                actor=request.user,
                subject=subject,
                harm_basis=data["harm_basis"],
                reason=data["reason"],
                consent_not_sought_reason=data["consent_not_sought_reason"],
                items=[
                    services.ItemDraft(
                        category="safeguarding",
                        content=data["content"],
                        nature=data["nature"],
                        source=data["source"],
                        dated_on=data["dated_on"],
                        checked_accurate=data["checked_accurate"],
                    )
                ],
            )
        except ValidationError as error:
            form.add_service_errors(
                ValidationError(
                    {k.removeprefix("items.0."): v for k, v in error.error_dict.items()}
                )
                if hasattr(error, "error_dict")
                else error
            )
        else:
            return redirect("exchange:share_detail", share_id=referral.share_id)
    return render(
        request,
        "exchange/referral_new.html",
        {"form": form, "subject": subject, "identity": read_identity(subject)},
        status=422 if form.errors else 200,
    )
