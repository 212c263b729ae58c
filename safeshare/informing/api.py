"""API for informing the child or family after a share (issue #4 item 8).

Adapters only (STYLE §2). The sending agency's practitioners and safeguarding
leads list the open tasks and record outcomes; recipients and other roles are
refused (a share the user cannot see at all is not found).
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from safeshare.access.actions import Action
from safeshare.access.fetch.exchange import get_share_for
from safeshare.access.rules.informing import may_inform
from safeshare.agencies.models import User
from safeshare.core.errors import Forbidden
from safeshare.core.paging import LimitOffset, Rows
from safeshare.exchange import notify
from safeshare.exchange.models import Share
from safeshare.informing.models import (
    InformedMethod,
    NotInformedReason,
    SubjectNotification,
    SubjectNotificationOutcome,
)
from safeshare.informing.selectors import people_who_may_be_told, subject_tasks_open
from safeshare.informing.services import subject_notification_record

router = Router(tags=["subject notifications"])


class SubjectTaskOut(Schema):
    share_id: uuid.UUID
    subject_id: uuid.UUID
    kind: str
    sent_at: datetime.datetime
    sent_by_id: uuid.UUID | None


class SubjectNotificationIn(Schema):
    outcome: SubjectNotificationOutcome
    informed_on: datetime.date | None = None
    method: InformedMethod | None = None
    informed_by_id: uuid.UUID | None = Field(
        None, description="Who told them (a member of your agency); you, if left out."
    )
    told_person_id: uuid.UUID | None = Field(
        None, description="The child, or a person with parental responsibility for them."
    )
    reason: NotInformedReason | None = None
    reason_other: str | None = Field(None, max_length=5000)
    backdating_reason: str = Field(
        "",
        max_length=40,
        description="Why a day before today is recorded only now: a code of the pack in "
        "force's recording.backdating_reasons (informed only).",
    )
    backdating_explanation: str = Field("", max_length=5000)


class SubjectNotificationOut(Schema):
    id: uuid.UUID
    share_id: uuid.UUID
    outcome: str
    informed_on: datetime.date | None
    method: str
    informed_by_id: uuid.UUID | None
    told_person_id: uuid.UUID | None
    reason: str
    backdating_reason: str
    recorded_by_id: uuid.UUID
    recorded_at: datetime.datetime


def _task_out(share: Share) -> dict:
    return {
        "share_id": share.pk,
        "subject_id": share.subject_id,
        "kind": share.kind,
        "sent_at": share.sent_at,
        "sent_by_id": share.sent_by_id,
    }


def _notification_out(notification: SubjectNotification) -> dict:
    return {
        "id": notification.pk,
        "share_id": notification.share_id,
        "outcome": notification.outcome,
        "informed_on": notification.informed_on,
        "method": notification.method,
        "informed_by_id": notification.informed_by_id,
        "told_person_id": notification.told_person_id,
        "reason": notification.reason,
        "backdating_reason": notification.backdating_reason,
        "recorded_by_id": notification.recorded_by_id,
        "recorded_at": notification.recorded_at,
    }


def _colleague(actor: User, user_id: uuid.UUID | None) -> User | None:
    """A practitioner or lead of the actor's agency named in the body, else a field error."""
    if user_id is None:
        return None
    colleague = next((u for u in notify.agency_staff(actor.agency) if u.pk == user_id), None)
    if colleague is None:
        message = "Choose a member of your agency."
        raise ValidationError(
            {"informed_by_id": [ValidationError(message, code="informed_by_agency")]}
        )
    return colleague


def _told(share: Share, person_id: uuid.UUID | None):
    if person_id is None:
        return None
    person = next((p for p in people_who_may_be_told(share) if p.pk == person_id), None)
    if person is None:
        message = "Choose the child or a person with parental responsibility for them."
        raise ValidationError(
            {"told_person_id": [ValidationError(message, code="told_person_not_subject_or_parent")]}
        )
    return person


@router.get(
    "/open", response=list[SubjectTaskOut], operation_id="exchange_subject_notifications_open"
)
@paginate(LimitOffset)
def exchange_subject_notifications_open(request):
    """Shares your agency sent where nobody has yet recorded whether the family was told,
    oldest first."""
    if not may_inform(request.auth) or request.auth.agency is None:
        raise Forbidden()
    return Rows(subject_tasks_open(request.auth), _task_out)


@router.post(
    "/shares/{share_id}",
    response={201: SubjectNotificationOut},
    operation_id="exchange_subject_notification_record",
)
def exchange_subject_notification_record(request, share_id: str, payload: SubjectNotificationIn):
    """Record that the child or family was told of a share (when, how, by whom, who),
    or that they were not, with the reason (Protocol App. 4)."""
    user = request.auth
    share = get_share_for(user, share_id, action=Action.SUBJECT_NOTIFICATION_RECORD)
    notification = subject_notification_record(
        actor=user,
        share=share,
        outcome=payload.outcome,
        informed_on=payload.informed_on,
        method=payload.method or "",
        informed_by=_colleague(user, payload.informed_by_id),
        told_person=_told(share, payload.told_person_id),
        reason=payload.reason or "",
        reason_other=payload.reason_other or "",
        backdating_reason=payload.backdating_reason,
        backdating_explanation=payload.backdating_explanation,
    )
    return Status(201, _notification_out(notification))
