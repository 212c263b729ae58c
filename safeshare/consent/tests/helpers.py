"""Consent test support: records made through the real services."""

import datetime

from safeshare.access.tests.helpers import person_for
from safeshare.agencies.models import AgencyType
from safeshare.consent.models import (
    ConsentDecision,
    GiverRole,
    ItemCategory,
    RecipientPurpose,
    SharingPurpose,
)
from safeshare.consent.services.consents import consent_record
from safeshare.core import clock
from safeshare.people.models import PersonKind, RelationshipType
from safeshare.people.services.relationships import relationship_record


def parent_of(author, child, *, parental_responsibility: bool = True):
    """A parent recorded by `author`, with or without parental responsibility."""
    parent = person_for(author, kind=PersonKind.PARENT_CARER)
    relationship_record(
        actor=author,
        person=child,
        related_person=parent,
        relationship_type=RelationshipType.MOTHER,
        has_parental_responsibility=parental_responsibility,
    )
    return parent


def consent_fields(**overrides) -> dict:
    """A complete, valid consent covering everything, given yesterday."""
    fields = dict(
        giver_role=GiverRole.PARENTAL_RESPONSIBILITY,
        decision=ConsentDecision.GIVEN,
        given_at=clock.now() - datetime.timedelta(days=1),
        method="written",
        categories=list(ItemCategory.values),
        purposes=list(SharingPurpose.values),
        recipient_agency_types=list(AgencyType.values),
        recipient_purposes=list(RecipientPurpose.values),
        explained_information=True,
        explained_purposes=True,
        explained_recipients=True,
        explained_recipient_purposes=True,
        freely_given=True,
        informed=True,
        explicit=True,
        evidence="Signed consent form, scanned to the case file",
        review_on=clock.today() + datetime.timedelta(days=180),
    )
    fields.update(overrides)
    return fields


def record_consent(author, child, given_by, **overrides):
    return consent_record(
        actor=author, child=child, given_by=given_by, **consent_fields(**overrides)
    )
