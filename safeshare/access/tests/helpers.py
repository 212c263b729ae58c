"""Case records for access tests, made through the real services."""

import datetime
import itertools

from safeshare.people.models import Person, PersonKind
from safeshare.people.services.people import person_create

_counter = itertools.count(1)


def person_for(author, *, kind: str = PersonKind.CHILD) -> Person:
    """A person recorded by `author`, so that author's agency works with them."""
    n = next(_counter)
    return person_create(
        actor=author,
        agency=author.agency,
        kind=kind,
        given_name=f"Given{n}",
        family_name=f"Family{n}",
        # Born in 2015-2017 (aged about 9 to 11) however many a test run makes.
        date_of_birth=datetime.date(2015, 1, 1) + datetime.timedelta(days=n % 1000),
    )
