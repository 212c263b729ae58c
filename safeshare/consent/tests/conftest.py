"""Two agencies, a practitioner at each: a school that records consent and shares, and a
trust that receives (a test module's own fixture of the same name wins)."""

import pytest

from safeshare.agencies.models import AgencyType, Role
from safeshare.agencies.tests.factories import AgencyFactory, staff


@pytest.fixture
def school():
    return AgencyFactory(name="Northfield Primary", agency_type=AgencyType.SCHOOL)


@pytest.fixture
def trust():
    return AgencyFactory(name="Family Support Trust", agency_type=AgencyType.CHILDRENS_TRUST)


@pytest.fixture
def sender(school):
    return staff(Role.PRACTITIONER, agency=school)


@pytest.fixture
def receiver(trust):
    return staff(Role.PRACTITIONER, agency=trust)
