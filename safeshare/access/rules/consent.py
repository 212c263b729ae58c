"""Rules for consent, capacity, conflicts, continued use and notices (issue #5).

A consent record belongs to the agency that asked for it: every case role
there may read it, and practitioners and safeguarding leads of an agency that
works with the child record consents, refusals, withdrawals and capacity
assessments. Other agencies never read the record itself; a recipient sees
only what its share shows (the limits of consent, a withdrawal) and records
its own decision on continued use. Only a safeguarding lead of the agency
gives guidance on a disagreement (Protocol App. 2 Q4). The notice at first
contact (6.2) is the agency's own record about a person it works with.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from safeshare.access.actions import Action, Relation
from safeshare.access.rules.people import relation_to_person
from safeshare.access.rules.roles import CASE_ROLES
from safeshare.agencies.models import Agency, Role, User
from safeshare.consent.models import (
    CapacityAssessment,
    Consent,
    ConsentConflict,
    PrivacyNotice,
)
from safeshare.exchange.models import ContinuedUse, ShareRecipient
from safeshare.people.models import Person

RECORDER_ROLES = frozenset({Role.PRACTITIONER, Role.SAFEGUARDING_LEAD})


@dataclass(frozen=True)
class ConsentTarget:
    """The object of `consent.record` and `capacity.assess`: the child it is about."""

    child: Person


@dataclass(frozen=True)
class ContinuedUseTarget:
    """The object of `continued_use.record`: the receiving agency's row of a share."""

    recipient: ShareRecipient


@dataclass(frozen=True)
class NoticeTarget:
    """The object of `notice.record`: the person told."""

    person: Person


def _works_with(user: User, agency: Agency, person: Person) -> bool:
    return relation_to_person(user, agency, person) == Relation.OWN_AGENCY


def can_record(user: User, agency: Agency, action: Action, target: ConsentTarget) -> bool:
    if action not in (Action.CONSENT_RECORD, Action.CAPACITY_ASSESS):
        return False
    return bool(user.roles & RECORDER_ROLES) and _works_with(user, agency, target.child)


def can_notice(user: User, agency: Agency, action: Action, target: NoticeTarget) -> bool:
    if action != Action.NOTICE_RECORD:
        return False
    return bool(user.roles & RECORDER_ROLES) and _works_with(user, agency, target.person)


def can_consent(user: User, agency: Agency, action: Action, consent: Consent) -> bool:
    if consent.agency_id != agency.id or not user.roles & CASE_ROLES:
        return False
    if action == Action.CONSENT_VIEW:
        return True
    if action == Action.CONSENT_WITHDRAW:
        return bool(user.roles & RECORDER_ROLES)
    return False


def can_capacity(user: User, agency: Agency, action: Action, item: CapacityAssessment) -> bool:
    return (
        action == Action.CAPACITY_VIEW
        and item.agency_id == agency.id
        and bool(user.roles & CASE_ROLES)
    )


def can_conflict(user: User, agency: Agency, action: Action, conflict: ConsentConflict) -> bool:
    if conflict.agency_id != agency.id or not user.roles & CASE_ROLES:
        return False
    if action == Action.CONSENT_CONFLICT_VIEW:
        return True
    if action == Action.CONSENT_CONFLICT_GUIDE:
        return user.has_role(Role.SAFEGUARDING_LEAD)
    return False


def can_continued_use(
    user: User, agency: Agency, action: Action, target: ContinuedUseTarget
) -> bool:
    """Record: a practitioner or lead of the receiving agency (the caller has checked the
    share is still open to them)."""
    return (
        action == Action.CONTINUED_USE_RECORD
        and target.recipient.agency_id == agency.id
        and bool(user.roles & RECORDER_ROLES)
    )


def can_use_view(user: User, agency: Agency, action: Action, use: ContinuedUse) -> bool:
    """The receiving agency and the agency that shared see the decision on continued use."""
    if action != Action.CONTINUED_USE_VIEW or not user.roles & CASE_ROLES:
        return False
    return agency.id in (use.recipient.agency_id, use.recipient.share.sender_agency_id)


def can_notice_view(user: User, agency: Agency, action: Action, notice: PrivacyNotice) -> bool:
    return (
        action == Action.NOTICE_VIEW
        and notice.agency_id == agency.id
        and bool(user.roles & CASE_ROLES)
    )


def scope_own(user: User, agency: Agency, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.filter(agency=agency)


def scope_uses(user: User, agency: Agency, queryset: QuerySet[Any]) -> QuerySet[Any]:
    from django.db.models import Q

    return queryset.filter(Q(recipient__agency=agency) | Q(recipient__share__sender_agency=agency))
