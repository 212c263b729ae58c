"""Shares between agencies (Protocol 1.8, 5.2; App. 2 Q6).

The foundation holds what the access policy needs: who shared about whom with
which agency (optionally a named person there) and for how long. Items,
decisions and acknowledgements build on these rows.
"""

from django.db import models
from django.db.models import F, Q

from safeshare.core.models import BaseModel


class ShareKind(models.TextChoices):
    """The four ways information passes between agencies (Protocol 1.8)."""

    DISCLOSURE = "disclosure", "Disclosure"
    SHARING = "sharing", "Sharing"
    EXCHANGE = "exchange", "Exchange"
    REPORTING = "reporting", "Reporting"


class Share(BaseModel):
    """Information about one person passed from a sending agency to recipients."""

    sender_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="shares_sent"
    )
    subject = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="shares")
    kind = models.CharField(max_length=20, choices=ShareKind.choices)
    sent_at = models.DateTimeField()
    access_until = models.DateTimeField(help_text="Recipients may view until this time.")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(access_until__gt=F("sent_at")), name="share_window_after_sending"
            ),
            models.CheckConstraint(condition=Q(kind__in=ShareKind.values), name="share_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.sender_agency} ({self.id})"


class ShareRecipient(BaseModel):
    """An agency that receives a share, optionally only a named person there."""

    share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="recipients")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="shares_received"
    )
    named_user = models.ForeignKey(
        "agencies.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shares_named_for",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["share", "agency"], name="sharerecipient_once")
        ]

    def __str__(self) -> str:
        return f"{self.agency} receives {self.share_id}"
