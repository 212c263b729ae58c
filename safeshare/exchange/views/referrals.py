"""The page for a MASH referral of a child to another agency's front door."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeshare.access.actions import Action
from safeshare.access.fetch.people import get_person_for
from safeshare.agencies.backends import signed_in_user
from safeshare.consent.selectors import consent_choices, consents_on_file
from safeshare.core import clock
from safeshare.decisions.packs import Item
from safeshare.decisions.selectors import pack_in_force
from safeshare.exchange import forms, services
from safeshare.people.identity import read_identity


def _choices(items: list[Item] | tuple[Item, ...]) -> list[tuple[str, str]]:
    return [(item.code, f"{item.label} ({item.paragraph})") for item in items]


@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, person_id: str) -> HttpResponse:
    """Refer a child to the children's trust front door (MASH), same day.

    The referrer says whether the family agreed, refused or was not asked (and
    why), and gives their own agency's lawful basis and gateways: the choices
    are the pack in force's, those open to their agency's type.
    """
    subject = get_person_for(request.user, person_id, action=Action.REFERRAL_MAKE)
    user = signed_in_user(request)
    pack, today = pack_in_force(), clock.today()
    agency_type = user.agency.agency_type if user.agency else ""
    on_file = consents_on_file(user, subject)
    form = forms.ReferralForm(
        request.POST if request.method == "POST" else None,
        consent_reasons=_choices(pack.available("consent_not_sought_reasons", as_at=today)),
        consents=consent_choices(on_file),
        lawful_bases=_choices(pack.available("lawful_bases", as_at=today, agency_type=agency_type)),
        gateways=_choices(pack.available("statutory_gateways", as_at=today)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {str(c.pk): c for c in on_file}.get(data.get("consent_id") or "")
        try:
            referral = services.referral_make(
                actor=user,
                subject=subject,
                harm_basis=data["harm_basis"],
                reason=data["reason"],
                consent_state=data["consent_state"],
                consent=chosen,
                consent_not_sought_reason=data["consent_not_sought_reason"] or "",
                lawful_basis=data["lawful_basis"],
                statutory_gateways=data["statutory_gateways"],
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
