"""Rules for informing the child or family after a share (issue #4 item 8).

Protocol App. 4: the agency that shared informs the person, unless that would
create or increase risk of harm. Only the sending agency's practitioners and
safeguarding leads (who know the family and the risk) see the tasks and record
the outcome; recipients, whatever their role, never see these records.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from safeshare.access.actions import Action
from safeshare.agencies.models import Agency, Role, User
from safeshare.exchange.models import Share
from safeshare.informing.models import SubjectNotification

SUBJECT_ROLES = frozenset({Role.PRACTITIONER, Role.SAFEGUARDING_LEAD})


@dataclass(frozen=True)
class SubjectTarget:
    """The object of `subject_notification.record`: a share the user's agency sent."""

    share: Share


def may_inform(user: User) -> bool:
    """Whether the user's roles let them see and record subject notifications at all."""
    return bool(user.roles & SUBJECT_ROLES)


def _sender(agency: Agency, share: Share) -> bool:
    # Which shares need the family told (those made from a decision) is the service's rule.
    return share.sender_agency_id == agency.id


def can_record(user: User, agency: Agency, action: Action, target: SubjectTarget) -> bool:
    """Record the outcome for a share one's own agency made from a decision (App. 4)."""
    if action != Action.SUBJECT_NOTIFICATION_RECORD:
        return False
    if not may_inform(user):
        return False
    return _sender(agency, target.share)


def can_view(user: User, agency: Agency, action: Action, notification: SubjectNotification) -> bool:
    """See a recorded outcome: the sending agency's practitioners and leads only."""
    if action != Action.SUBJECT_NOTIFICATION_VIEW:
        return False
    if not may_inform(user):
        return False
    return notification.share.sender_agency_id == agency.id


def scope_notifications(user: User, agency: Agency, queryset: QuerySet[Any]) -> QuerySet[Any]:
    if not may_inform(user):
        return queryset.none()
    return queryset.filter(share__sender_agency=agency)
