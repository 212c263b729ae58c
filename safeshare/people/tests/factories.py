"""People for tests, created through the services so every row is as real ones are.

NHS numbers come from the range reserved for testing (999 000 0000 - 999 999 9999),
with check digits computed by the modulus-11 rule.
"""

import datetime
import itertools

from safeshare.agencies.models import Agency
from safeshare.agencies.tests.factories import AgencyFactory
from safeshare.core import crypto
from safeshare.people.models import Person, PersonKind
from safeshare.people.services.people import person_create

SYSTEM = "system:tests"
_serial = itertools.count(1)


def test_nhs_number(serial: int) -> str:
    """The ``serial``-th valid NHS number in the test range (skipping never-issued ones)."""
    found = 0
    for candidate in itertools.count(999_000_000):
        check = crypto.nhs_number_check_digit(str(candidate))
        if check is not None:
            found += 1
            if found == serial:
                return f"{candidate}{check}"
    raise AssertionError("unreachable")


test_nhs_number.__test__ = False  # a helper, not a test


def make_person(
    *,
    agency: Agency | None = None,
    kind: str = PersonKind.CHILD,
    given_name: str | None = None,
    family_name: str = "Testfamily",
    date_of_birth: datetime.date = datetime.date(2015, 3, 14),
    nhs_number: str | None = None,
    actor=None,
) -> Person:
    """A person recorded by the system actor (or ``actor``) for ``agency``."""
    return person_create(
        actor=actor,
        actor_ref=None if actor else SYSTEM,
        agency=agency or (actor.agency if actor else AgencyFactory()),
        kind=kind,
        given_name=given_name or f"Given{next(_serial)}",
        family_name=family_name,
        date_of_birth=date_of_birth,
        nhs_number=nhs_number,
    )


# The child the need-to-know tests share about: recorded with an NHS number, which a
# recipient must never see unless a share carries it.
GIVEN, FAMILY = "Ottoline", "Quarrendon"
BORN = datetime.date(2016, 2, 29)
NHS = test_nhs_number(4242)
NHS_SHOWN = f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}"


def known_child(sender, **extra) -> Person:
    """The need-to-know tests' child, recorded by the sender's agency."""
    return person_create(
        actor=sender,
        agency=sender.agency,
        kind=PersonKind.CHILD,
        given_name=GIVEN,
        family_name=FAMILY,
        date_of_birth=BORN,
        nhs_number=NHS,
        **extra,
    )
