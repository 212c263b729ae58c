"""Reads for informing the child or family after a share (issue #4 item 8).

Every read starts from `access.visible`; the open-task list uses a fixed number
of queries whatever its length.
"""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from safeshare.access.policy import active_agency, visible
from safeshare.access.rules.informing import may_inform
from safeshare.core.sealed import ErasedText, open_text
from safeshare.exchange.models import Share, ShareOrigin
from safeshare.informing.models import SubjectNotification
from safeshare.people.models import Person
from safeshare.people.selectors import parental_responsibility_holders


def subject_tasks_open(user: Any) -> QuerySet[Share]:
    """Shares the user's agency made from a decision with no outcome recorded yet, oldest first.

    Protocol App. 4: a task stays open until the agency records that the child
    or family was told, or why not. Only practitioners and safeguarding leads
    of the sending agency see these tasks.
    """
    agency = active_agency(user)
    if agency is None or not may_inform(user):
        return Share.objects.none()
    recorded = SubjectNotification.objects.filter(share=OuterRef("pk"))
    return (
        visible(user, Share.objects.all())
        .filter(sender_agency=agency, origin=ShareOrigin.DECISION)
        .filter(~Exists(recorded))
        .select_related("subject", "sender_agency", "sent_by")
        .order_by("sent_at", "id")
    )


def subject_notifications_for_share(user: Any, share: Share) -> list[SubjectNotification]:
    """The outcomes recorded for a share, newest first (empty for anyone but the sender)."""
    return list(
        visible(user, SubjectNotification.objects.filter(share=share))
        .select_related("informed_by", "told_person", "recorded_by")
        .order_by("-recorded_at", "-created_at")
    )


def subject_notification_reason_other(
    notification: SubjectNotification,
) -> str | ErasedText | None:
    """The sealed "other" reason, opened under the child's key."""
    return open_text(
        notification.share.subject,
        record_id=notification.pk,
        field="reason_other",
        blob=notification.reason_other_enc,
    )


def people_who_may_be_told(share: Share) -> list[Person]:
    """The child, then those with parental responsibility for them today (Children Act 1989 s3)."""
    return [share.subject, *parental_responsibility_holders(child=share.subject)]
