"""Informing the subject after a share (issue #4 item 8).

Protocol App. 2 Q5/Q6 and App. 4: "inform the person that the information has
been shared if they were not aware of this and it would not create or increase
risk of harm"; golden rule 2 (be open and honest). Every share made from a
decision opens a task for the sending agency; the task stays open until a
`SubjectNotification` row records the outcome. Rows are never edited: a later
row records a later outcome, and the newest is the current one.
"""

from django.db import models
from django.db.models import Q

from safeshare.core.models import BaseModel


class SubjectNotificationOutcome(models.TextChoices):
    INFORMED = "informed", "Informed"
    NOT_INFORMED = "not_informed", "Not informed"


class InformedMethod(models.TextChoices):
    """How the child or family was told (a closed list)."""

    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    LETTER = "letter", "By letter"
    EMAIL = "email", "By email"
    OTHER = "other", "Another way"


class NotInformedReason(models.TextChoices):
    """Why the child or family was not told (Protocol App. 4; 6.3)."""

    RISK_OF_HARM = (
        "risk_of_harm",
        "Telling them would create or increase the risk of harm to the child or others",
    )
    PREJUDICE_CRIME_ENQUIRY = (
        "prejudice_crime_enquiry",
        "Telling them would prejudice a crime enquiry",
    )
    OTHER = "other", "Another reason"


class SubjectNotification(BaseModel):
    """The sending agency records whether the child or family was told about a share.

    Informed: when (`informed_on`), how (`method`), by whom (`informed_by`, a
    member of the sending agency) and who was told (`told_person`: the child or
    a person with parental responsibility). Not informed: a reason code, with
    sealed text (`reason_other_enc`) when the reason is "other". Told on a day
    before the one it is recorded on: why (`backdating_reason`, informed only).
    """

    share = models.ForeignKey(
        "exchange.Share", on_delete=models.PROTECT, related_name="subject_notifications"
    )
    outcome = models.CharField(max_length=20, choices=SubjectNotificationOutcome.choices)
    informed_on = models.DateField(null=True, blank=True)
    method = models.CharField(max_length=20, choices=InformedMethod.choices, blank=True)
    informed_by = models.ForeignKey(
        "agencies.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subjects_informed",
    )
    told_person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="told_of_shares",
    )
    reason = models.CharField(max_length=30, choices=NotInformedReason.choices, blank=True)
    reason_other_enc = models.BinaryField(null=True, editable=False)
    # Told on a day before the one it is recorded on (issue #11 item 4): a reason code of the
    # pack's `recording.backdating_reasons`, and its explanation sealed.
    backdating_reason = models.CharField(max_length=40, blank=True)
    backdating_explanation_enc = models.BinaryField(null=True, editable=False)
    recorded_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="subject_notifications_recorded"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        # The table kept its name when the model moved here from exchange.
        db_table = "exchange_subjectnotification"
        ordering = ["share", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        outcome=SubjectNotificationOutcome.INFORMED,
                        informed_on__isnull=False,
                        method__in=InformedMethod.values,
                        informed_by__isnull=False,
                        told_person__isnull=False,
                        reason="",
                        reason_other_enc__isnull=True,
                    )
                    | Q(
                        outcome=SubjectNotificationOutcome.NOT_INFORMED,
                        informed_on__isnull=True,
                        method="",
                        informed_by__isnull=True,
                        told_person__isnull=True,
                        reason__in=NotInformedReason.values,
                    )
                ),
                name="subjectnotification_outcome_complete",
            ),
            models.CheckConstraint(
                condition=~Q(reason=NotInformedReason.OTHER) | Q(reason_other_enc__isnull=False),
                name="subjectnotification_other_reason_explained",
            ),
            models.CheckConstraint(
                condition=Q(backdating_reason="", backdating_explanation_enc__isnull=True)
                | Q(outcome=SubjectNotificationOutcome.INFORMED) & ~Q(backdating_reason=""),
                name="subjectnotification_backdating_only_when_informed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} about {self.share_id}"
