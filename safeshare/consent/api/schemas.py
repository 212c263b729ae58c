"""The consent API's input and output schemas (a `...In` and `...Out` per operation)."""

import datetime
import uuid

from ninja import Field, Schema

from safeshare.agencies.models import AgencyType
from safeshare.consent.models import (
    CapacityConclusion,
    ConflictOutcome,
    ConsentDecision,
    ConsentMethod,
    GiverRole,
    ItemCategory,
    NoticeMethod,
    RecipientPurpose,
    SharingPurpose,
)

# The services hold the exact limits (and say so by field); these only bound the input.
TEXT = Field(default="", max_length=10_000)
IDS = Field(default_factory=list, max_length=50)


class ConsentIn(Schema):
    child_id: uuid.UUID
    given_by_id: uuid.UUID = Field(
        description="The child, or a person with parental responsibility."
    )
    giver_role: GiverRole
    decision: ConsentDecision
    given_at: datetime.datetime = Field(description="When they decided, with its time zone.")
    method: ConsentMethod
    categories: list[ItemCategory] = IDS
    purposes: list[SharingPurpose] = IDS
    recipient_agencies: list[uuid.UUID] = IDS
    recipient_agency_types: list[AgencyType] = IDS
    recipient_purposes: list[RecipientPurpose] = IDS
    explained_information: bool = False
    explained_purposes: bool = False
    explained_recipients: bool = False
    explained_recipient_purposes: bool = False
    freely_given: bool = False
    informed: bool = False
    explicit: bool = False
    evidence: str = TEXT
    reasons: str = TEXT
    review_on: datetime.date | None = None
    expires_on: datetime.date | None = None
    capacity_assessment_id: uuid.UUID | None = Field(
        None, description="The assessment relied on; the latest before the decision if left out."
    )


class WithdrawalIn(Schema):
    withdrawn_at: datetime.datetime = Field(description="When it was withdrawn, with time zone.")
    method: ConsentMethod
    reasons: str = TEXT


class WithdrawalOut(Schema):
    id: uuid.UUID
    withdrawn_at: datetime.datetime
    method: str
    reasons: str | None
    recorded_by_id: uuid.UUID
    recorded_at: datetime.datetime


class ConsentOut(Schema):
    id: uuid.UUID
    child_id: uuid.UUID
    agency_id: uuid.UUID
    decision: str
    given_by_id: uuid.UUID
    giver_role: str
    giver_age: int | None
    capacity_assessment_id: uuid.UUID | None
    categories: list[str]
    purposes: list[str]
    recipient_agencies: list[uuid.UUID]
    recipient_agency_types: list[str]
    recipient_purposes: list[str]
    explained_information: bool
    explained_purposes: bool
    explained_recipients: bool
    explained_recipient_purposes: bool
    freely_given: bool
    informed: bool
    explicit: bool
    method: str
    evidence: str | None
    reasons: str | None
    given_at: datetime.datetime
    review_on: datetime.date | None
    expires_on: datetime.date | None
    in_force: bool = Field(
        description="Not withdrawn, replaced by the same person's later record, or past its "
        "end date now (a consent past its review date stays in force but cannot be relied on "
        "until it is reviewed)."
    )
    withdrawal: WithdrawalOut | None
    recorded_by_id: uuid.UUID
    recorded_at: datetime.datetime


class CapacityIn(Schema):
    child_id: uuid.UUID
    person_id: uuid.UUID = Field(description="Who was assessed: the child or a relative.")
    assessed_at: datetime.datetime
    conclusion: CapacityConclusion
    notes: str = TEXT


class CapacityOut(Schema):
    id: uuid.UUID
    child_id: uuid.UUID
    person_id: uuid.UUID
    agency_id: uuid.UUID
    assessed_by_id: uuid.UUID
    assessed_at: datetime.datetime
    conclusion: str
    notes: str | None


class GuidanceIn(Schema):
    guidance: str = TEXT
    outcome: ConflictOutcome


class GuidanceOut(Schema):
    id: uuid.UUID
    given_by_id: uuid.UUID
    given_at: datetime.datetime
    outcome: str
    guidance: str | None


class ConflictOut(Schema):
    id: uuid.UUID
    child_id: uuid.UUID
    kind: str
    consent_id: uuid.UUID
    consent_given_by_id: uuid.UUID
    refusal_id: uuid.UUID
    refusal_given_by_id: uuid.UUID
    detected_at: datetime.datetime
    guidance: GuidanceOut | None


class NoticeIn(Schema):
    person_id: uuid.UUID
    told_on: datetime.date
    method: NoticeMethod
    told_to_id: uuid.UUID | None = Field(
        None, description="Who was told, if not the person themself (a parent or carer)."
    )


class NoticeOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID
    agency_id: uuid.UUID
    told_on: datetime.date
    method: str
    told_to_id: uuid.UUID | None
    recorded_by_id: uuid.UUID
    recorded_at: datetime.datetime


class PersonRefOut(Schema):
    """A person by pseudonymous reference; read their identity with people_get."""

    id: uuid.UUID
    kind: str
