"""The person page: a person's identity and family (people), the consent section
(consent), the next steps the user may take (decisions, exchange) and the timeline
of everything the user's agency recorded, decided and shared about them.

Adapters only: parse → fetch through access → call selectors → render.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeshare.access.actions import Action
from safeshare.access.fetch import get_person_for
from safeshare.access.policy import can, person_relation, visible
from safeshare.access.rules.decisions import DecisionTarget
from safeshare.access.rules.exchange import ReferralTarget
from safeshare.casework.timeline import person_timeline
from safeshare.consent.views import person_section as consent_section
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
