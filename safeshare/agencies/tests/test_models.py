import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safeshare.agencies.models import (
    Agency,
    AgencyType,
    Membership,
    PartnerStatus,
    Role,
    RoleGrant,
    User,
)

pytestmark = pytest.mark.django_db


def make_agency(**kwargs) -> Agency:
    fields = {
        "name": "Northbridge Council",
        "code": "council",
        "agency_type": AgencyType.LOCAL_AUTHORITY,
        "partner_status": PartnerStatus.STATUTORY_PARTNER,
    }
    fields.update(kwargs)
    return Agency.objects.create(**fields)


def test_roles_read_from_active_membership():
    agency = make_agency()
    user = User.objects.create_user("pat", password="not-used-here-1")
    membership = Membership.objects.create(user=user, agency=agency)
    RoleGrant.objects.create(membership=membership, role=Role.PRACTITIONER)
    user = User.objects.get(pk=user.pk)
    assert user.roles == {Role.PRACTITIONER}
    assert user.agency == agency
    membership.active = False
    membership.save()
    user = User.objects.get(pk=user.pk)
    assert user.roles == frozenset()
    assert user.agency is None


def test_reaffirmation_must_follow_signing():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_agency(
            signed_on=datetime.date(2024, 5, 1),
            signed_by_name="A Signatory",
            signed_by_position="Director",
            reaffirmation_due=datetime.date(2024, 4, 1),
        )


def test_signature_must_name_signatory_and_position():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_agency(signed_on=datetime.date(2024, 5, 1))


def test_ico_registration_number_format_is_validated():
    agency = Agency(
        name="X",
        code="x",
        agency_type=AgencyType.SCHOOL,
        partner_status=PartnerStatus.RELEVANT_AGENCY,
        ico_registration_number="12345",
    )
    with pytest.raises(ValidationError) as caught:
        agency.full_clean()
    assert "ico_registration_number" in caught.value.message_dict


def test_a_role_is_granted_once():
    agency = make_agency()
    user = User.objects.create_user("sam", password="not-used-here-1")
    membership = Membership.objects.create(user=user, agency=agency)
    RoleGrant.objects.create(membership=membership, role=Role.AUDITOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(membership=membership, role=Role.AUDITOR)
