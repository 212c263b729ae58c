"""Pages for flows that cross apps (STYLE §1): the person page, which shows what
people, consent, decisions and exchange each hold about a person, and the withdrawal
of consent, which tells the recipients. Adapters only: parse → fetch through access
→ call selectors or one casework flow → render.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeshare.access.actions import Action
from safeshare.access.fetch import get_person_for
from safeshare.access.policy import can, person_relation, require, visible
from safeshare.access.rules.decisions import DecisionTarget
from safeshare.access.rules.exchange import ReferralTarget
from safeshare.casework.timeline import person_timeline
from safeshare.casework.withdrawal import consent_withdraw_and_tell
from safeshare.consent.forms import WithdrawForm
from safeshare.consent.views.consents import consent_page_context
from safeshare.consent.views.consents import person_section as consent_section
from safeshare.consent.views.posting import submit_form
from safeshare.people import selectors
from safeshare.people.models import Person


def person_detail(request: HttpRequest, person_id: str) -> HttpResponse:
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
