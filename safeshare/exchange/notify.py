"""Email notifications for requests, shares, referrals and withdrawn consent (issue #4 item 9,
issue #5 item 4). The message machinery, and its rule that an email carries no personal
data, is `agencies.notify`; the exchange services call these inside their transaction."""

from django.urls import reverse

from safeshare.agencies.models import User
from safeshare.agencies.notify import (  # noqa: F401 - re-exported for the exchange adapters
    NotificationKind,
    agency_staff,
    deliver,
    email_body,
    queue,
)
from safeshare.exchange.models import InformationRequest, Referral, Share, ShareRecipient


def notify_share_sent(
    *,
    actor: User,
    share: Share,
    recipients: list[ShareRecipient] | None = None,
    kind: NotificationKind = NotificationKind.SHARE_RECEIVED,
) -> int:
    """Recipients of a share: the named person, else the receiving agency's practitioners and
    safeguarding leads (issue #4 item 9). Call inside `share_send`'s transaction; pass the
    recipient rows just written, if in hand, to save reading them back."""
    path = reverse("exchange:share_detail", kwargs={"share_id": share.pk})
    queued = 0
    if recipients is None:
        recipients = list(share.recipients.select_related("agency", "named_user"))
    for recipient in recipients:
        if recipient.named_user_id is None:
            users = agency_staff(recipient.agency)
        else:
            named = recipient.named_user
            works_there = named.agency is not None and named.agency.pk == recipient.agency_id
            users = [named] if works_there else []
        queued += queue(
            actor=actor,
            agency=share.sender_agency,
            kind=kind,
            users=users,
            path=path,
        )
    return queued


def notify_request_raised(*, actor: User, request: InformationRequest) -> int:
    """The requested agency's practitioners and safeguarding leads. Call in `request_raise`."""
    return queue(
        actor=actor,
        agency=request.requesting_agency,
        kind=NotificationKind.REQUEST_RECEIVED,
        users=agency_staff(request.requested_agency),
        path=reverse("exchange:request_detail", kwargs={"request_id": request.pk}),
    )


def notify_request_answered(*, actor: User, request: InformationRequest) -> int:
    """The practitioner who raised the request. Call in `request_answer`."""
    requester = request.requested_by
    still_there = (
        requester.agency is not None and requester.agency.pk == request.requesting_agency_id
    )
    users = [requester] if still_there else []
    return queue(
        actor=actor,
        agency=request.requested_agency,
        kind=NotificationKind.REQUEST_ANSWERED,
        users=users,
        path=reverse("exchange:request_detail", kwargs={"request_id": request.pk}),
    )


def notify_referral_made(*, actor: User, referral: Referral) -> int:
    """The front door's practitioners and safeguarding leads. Call in `referral_make`."""
    return queue(
        actor=actor,
        agency=referral.share.sender_agency,
        kind=NotificationKind.REFERRAL_RECEIVED,
        users=agency_staff(referral.front_door),
        path=reverse("exchange:share_detail", kwargs={"share_id": referral.share_id}),
    )


def notify_consent_withdrawn(*, actor: User, share: Share, recipients: list[ShareRecipient]) -> int:
    """Each agency that received information under a consent now withdrawn: the named
    person, else its practitioners and safeguarding leads (issue #5 item 4)."""
    return notify_share_sent(
        actor=actor, share=share, recipients=recipients, kind=NotificationKind.CONSENT_WITHDRAWN
    )
