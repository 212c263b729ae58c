"""What the decision pages share: who may open the case pages, and the list of
children to choose from."""

import uuid

from django.http import HttpRequest

from safeshare.access.rules.roles import CASE_ROLES
from safeshare.agencies.models import User
from safeshare.core.errors import Forbidden
from safeshare.people.selectors import (
    people_for_agency,
    people_worked_with,
    person_identities,
)


def _require_case_role(request: HttpRequest) -> None:
    if request.user.agency is None or not request.user.roles & CASE_ROLES:
        raise Forbidden()


# The choice list of people on the aid's first page and the advice form.
CHOOSE_FROM = 50


def _children(user: User, *, also: str | None = None) -> list[tuple[str, str]]:
    """The people the user's agency most recently began working with (at most
    ``CHOOSE_FROM``, newest first), by name, for a choice list; and the person ``also``
    names (a person page links here with their opaque id), wherever they are.

    Names are encrypted, so a longer list could be neither sorted nor searched by
    name, and each entry costs a decryption: anyone else is found first, by NHS
    number or by name and date of birth, and the aid started from their page.
    """
    scope = people_worked_with(user)
    people = list(
        people_for_agency(queryset=scope, agency=user.agency).filter(shredded_at__isnull=True)[
            :CHOOSE_FROM
        ]
    )
    if also and all(str(p.pk) != also for p in people):
        try:
            named = scope.filter(pk=uuid.UUID(also), shredded_at__isnull=True).first()
        except ValueError:
            named = None  # not an id: nobody to add; the choice is then refused by name
        if named is not None:
            people.append(named)
    identities = person_identities(people)
    return [(str(p.pk), identities[p.pk].display_name) for p in people]
