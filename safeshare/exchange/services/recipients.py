"""What a recipient does with a share it received: views and acknowledges it (issue #4
item 5)."""

from django.db import transaction

from safeshare.agencies.models import User
from safeshare.core import clock
from safeshare.exchange.models import (
    Share,
    ShareAcknowledgement,
    ShareRecipient,
    ShareView,
    ViewChannel,
)
from safeshare.ledger.kinds import EntryKind

from ._common import (
    Errors,
    add_error,
    append,
    clean_choice,
    raise_if,
)


def _recipient_row(actor: User, share: Share) -> ShareRecipient | None:
    """The actor's open recipient row for the share, or None (sender, expired, revoked)."""
    from safeshare.access.policy import active_agency
    from safeshare.access.rules.exchange import received_shares

    agency = active_agency(actor)
    if agency is None:
        return None
    return received_shares(actor, agency).filter(share=share).first()


@transaction.atomic
def share_view_record(*, actor: User, share: Share, channel: str) -> ShareView | None:
    """Log a recipient's view of a share: a row and a `share.viewed` entry (issue #4 item 5).

    The sender reading its own record is not a recipient view; returns None then.
    """
    recipient = _recipient_row(actor, share)
    if recipient is None:
        return None
    errors: Errors = {}
    channel = clean_choice(channel, ViewChannel, field="channel", label="a channel", errors=errors)
    raise_if(errors)
    view = ShareView(
        share=share, recipient=recipient, viewed_by=actor, viewed_at=clock.now(), channel=channel
    )
    view.full_clean()
    view.save()
    append(
        kind=EntryKind.SHARE_VIEWED,
        actor=actor,
        agency=recipient.agency,
        subject=share.subject,
        payload={"share": str(share.pk), "view": str(view.pk), "channel": channel},
    )
    return view


@transaction.atomic
def share_acknowledge(*, actor: User, share: Share) -> ShareAcknowledgement:
    """A recipient agency confirms receipt, once (and, for a file transfer, that it arrived)."""
    errors: Errors = {}
    recipient = _recipient_row(actor, share)
    if recipient is None:
        add_error(errors, "share", "Only a recipient can acknowledge a share.", "not_recipient")
    elif ShareAcknowledgement.objects.filter(recipient=recipient).exists():
        add_error(errors, "share", "Receipt has already been acknowledged.", "already_acknowledged")
    raise_if(errors)
    assert recipient is not None
    acknowledgement = ShareAcknowledgement(
        share=share, recipient=recipient, acknowledged_by=actor, acknowledged_at=clock.now()
    )
    acknowledgement.full_clean()
    acknowledgement.save()
    append(
        kind=EntryKind.SHARE_ACKNOWLEDGED,
        actor=actor,
        agency=recipient.agency,
        subject=share.subject,
        payload={"share": str(share.pk), "acknowledgement": str(acknowledgement.pk)},
    )
    return acknowledgement
