"""What the exchange pages share: the case-role check, agency and decision choices, the
child's identity and the decision aid's address."""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from safeshare.access.actions import Action
from safeshare.access.policy import can
from safeshare.access.rules.roles import CASE_ROLES
from safeshare.agencies.selectors import agency_list_except
from safeshare.core.errors import Forbidden
from safeshare.exchange import selectors
from safeshare.people.selectors import person_identity_for


def _require_case_role(request: HttpRequest) -> None:
    if not request.user.roles & CASE_ROLES or request.user.agency is None:
        raise Forbidden()


def _other_agencies(request: HttpRequest) -> list[tuple[str, str]]:
    return [(str(a.pk), a.name) for a in agency_list_except(request.user.agency)]


def _identity(request: HttpRequest, person) -> object | None:
    """The child's identity as the user may see it now (a recipient: only the fields the
    shares it received carry), else None."""
    if not can(request.user, Action.PERSON_VIEW, person):
        return None
    return person_identity_for(request.user, person)


def _decision_aid_url() -> str | None:
    """The decisions app's decision aid, where the answer is decided and recorded."""
    try:
        return reverse("decisions:aid_start")
    except NoReverseMatch:
        return None


def _decision_choices_for(request: HttpRequest, subject) -> list[tuple[str, str]]:
    return [
        (
            str(d.pk),
            f"{d.get_outcome_display()}, decided {d.decided_at:%-d %B %Y %H:%M}",
        )
        for d in selectors.decisions_for_answer(request.user, subject)
    ]
