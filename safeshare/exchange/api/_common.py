"""What the exchange API modules share: agency and user references from a body."""

import uuid

from django.core.exceptions import ValidationError
from ninja import Field, Schema

from safeshare.agencies.models import Agency, User
from safeshare.agencies.selectors import agency_get, user_get

TEXT = Field(min_length=1, max_length=5000)


def _agency(agency_id: uuid.UUID | None, field: str) -> Agency:
    agency = agency_get(agency_id) if agency_id else None
    if agency is None:
        raise ValidationError({field: [ValidationError("Choose a known agency.", code="unknown")]})
    return agency


def _user(user_id: uuid.UUID | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = user_get(user_id)
    if user is None:
        raise ValidationError({field: [ValidationError("Choose a known person.", code="unknown")]})
    return user


def _text(value) -> str | None:
    return None if value is None else str(value)


class AgencyRef(Schema):
    id: uuid.UUID
    name: str


def _agency_ref(agency: Agency) -> dict:
    return {"id": agency.id, "name": agency.name}
