import pytest

from safeshare.agencies.models import Role
from safeshare.agencies.tests.factories import staff
from safeshare.ledger.models import Entry


@pytest.fixture
def practitioner(db):
    return staff(Role.PRACTITIONER)


@pytest.fixture
def administrator(db):
    return staff(Role.ADMINISTRATOR)


def entries(kind: str, user=None) -> list[Entry]:
    """Ledger entries of one kind, about one member of staff if given."""
    queryset = Entry.objects.filter(kind=kind).order_by("seq")
    if user is not None:
        queryset = queryset.filter(subject_ref=f"user:{user.pk}")
    return list(queryset)
