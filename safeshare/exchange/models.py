"""Requests, shares and referrals between agencies (Protocol 1.8, 5.2, App. 2 Q6).

Every record here is written once: a later state (an answer, a view, an
acknowledgement, a revocation, a withdrawal) is a new row that points back.
Free text about a child is sealed under the child's data key
(`core.sealed`) into the `<field>_enc` columns.
"""

from django.db import models
from django.db.models import F, Q

from safeshare.consent.models import ItemCategory
from safeshare.core.models import BaseModel
from safeshare.core.sealed import SealedText

CODE_MAX = 80


class ShareKind(models.TextChoices):
    """The four ways information passes between agencies (Protocol 1.8)."""

    DISCLOSURE = "disclosure", "Disclosure"
    SHARING = "sharing", "Sharing"
    EXCHANGE = "exchange", "Exchange"
    REPORTING = "reporting", "Reporting"


class ShareOrigin(models.TextChoices):
    """Why a share exists: a recorded decision to share, or the identity a request carries."""

    DECISION = "decision", "Decision to share"
    REQUEST = "request", "Identity of the child named in an information request"


class Urgency(models.TextChoices):
    """How soon an answer is needed (Protocol 5.2 Timely)."""

    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"
    SAME_DAY = "same_day", "Same day (emergency)"


class ItemNature(models.TextChoices):
    """Protocol 5.2 Accurate: clearly distinguish between fact and opinion."""

    FACT = "fact", "Fact"
    OPINION = "opinion", "Professional opinion"


class ProtectedRole(models.TextChoices):
    """A person whose identity must not reach the recipient unless the sender decides so."""

    INFORMANT = "informant", "Informant (the person who gave the information)"
    CARER = "carer", "Carer"
    NEIGHBOUR = "neighbour", "Neighbour or other person at risk"
    OTHER = "other", "Other person at risk"


class RevocationReason(models.TextChoices):
    SENT_IN_ERROR = "sent_in_error", "Sent in error"
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed for the purpose"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Consent withdrawn"
    INACCURATE = "inaccurate", "Found to be inaccurate"


class WithdrawalReason(models.TextChoices):
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"
    RAISED_IN_ERROR = "raised_in_error", "Raised in error"
    OBTAINED_ELSEWHERE = "obtained_elsewhere", "Information obtained elsewhere"


class HarmBasis(models.TextChoices):
    """Children Act 1989 s47 / Protocol App. 2 "Safeguarding": the referral threshold."""

    SUFFERING = "suffering", "Reasonable cause to believe the child is suffering significant harm"
    LIKELY = "likely", "Reasonable cause to believe the child is likely to suffer significant harm"


class ViewChannel(models.TextChoices):
    PAGE = "page", "Web page"
    API = "api", "API"
    EXPORT = "export", "Export"


class Share(BaseModel):
    """Information about one person passed from a sending agency to recipients.

    A share made from a decision carries only the items the sender selected
    (`ShareItem`); a request's identity share carries none. `sent_entry_seq`
    and `sent_entry_hash` are the receipt: the `share.sent` ledger entry.
    Later records (e.g. a subject notification) hang off the share by foreign key.
    """

    sender_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="shares_sent"
    )
    subject = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="shares")
    kind = models.CharField(max_length=20, choices=ShareKind.choices)
    sent_at = models.DateTimeField()
    access_until = models.DateTimeField(help_text="Recipients may view until this time.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    origin = models.CharField(
        max_length=20, choices=ShareOrigin.choices, default=ShareOrigin.DECISION
    )
    sent_by = models.ForeignKey(
        "agencies.User", null=True, blank=True, on_delete=models.PROTECT, related_name="shares_sent"
    )
    onward_sharing_permitted = models.BooleanField(default=False)
    # The parts of the subject's identity the share carries (people.IdentityField): a
    # recipient sees the person only through these (Protocol App. 2 Q6 need to know).
    carries_name = models.BooleanField(default=True)
    carries_date_of_birth = models.BooleanField(default=True)
    carries_nhs_number = models.BooleanField(default=False)
    consent_limits_enc = models.BinaryField(null=True, editable=False)
    is_file_transfer = models.BooleanField(
        "child-protection file transfer to a new school", default=False
    )
    receipt_due_on = models.DateField(null=True, blank=True)
    sent_entry_seq = models.BigIntegerField(null=True, blank=True, editable=False)
    sent_entry_hash = models.CharField(max_length=64, blank=True, editable=False)
    decision = models.ForeignKey(
        "decisions.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shares",
        help_text="The decision to share this share carries out (none for a request's identity).",
    )

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(access_until__gt=F("sent_at")), name="share_window_after_sending"
            ),
            models.CheckConstraint(condition=Q(kind__in=ShareKind.values), name="share_kind_known"),
            models.CheckConstraint(
                condition=Q(origin__in=ShareOrigin.values), name="share_origin_known"
            ),
            models.CheckConstraint(
                condition=Q(is_file_transfer=False)
                | Q(kind=ShareKind.EXCHANGE, receipt_due_on__isnull=False),
                name="share_file_transfer_is_exchange_with_due_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.sender_agency} ({self.id})"

    @property
    def identity_fields(self) -> frozenset[str]:
        """The IdentityField values this share carries."""
        return identity_fields_carried(
            self.carries_name, self.carries_date_of_birth, self.carries_nhs_number
        )


def identity_fields_carried(name: bool, date_of_birth: bool, nhs_number: bool) -> frozenset[str]:
    """IdentityField values from a share's three `carries_*` flags."""
    flags = {"name": name, "date_of_birth": date_of_birth, "nhs_number": nhs_number}
    return frozenset(field for field, carried in flags.items() if carried)


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


class ShareItem(BaseModel):
    """One selected item of information (Protocol 5.2; App. 2 Q6 "the right information").

    A protected person's identity (`protected_identity_enc`) is withheld from
    recipients unless `protected_identity_disclosed`, with the sender's reason.
    """

    share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=20, choices=ItemCategory.choices)
    content_enc = models.BinaryField(editable=False)
    nature = models.CharField(max_length=10, choices=ItemNature.choices)
    source_enc = models.BinaryField(editable=False)
    dated_on = models.DateField("date the information is from")
    checked_accurate = models.BooleanField("checked accurate and up to date")
    protected_role = models.CharField(max_length=20, choices=ProtectedRole.choices, blank=True)
    protected_identity_enc = models.BinaryField(null=True, editable=False)
    protected_identity_disclosed = models.BooleanField(default=False)
    disclosure_reason_enc = models.BinaryField(null=True, editable=False)

    class Meta:
        ordering = ["share", "position"]
        constraints = [
            models.UniqueConstraint(fields=["share", "position"], name="shareitem_position_once"),
            models.CheckConstraint(
                condition=Q(checked_accurate=True), name="shareitem_checked_accurate"
            ),
            models.CheckConstraint(
                condition=Q(category__in=ItemCategory.values), name="shareitem_category_known"
            ),
            models.CheckConstraint(
                condition=Q(nature__in=ItemNature.values), name="shareitem_nature_known"
            ),
            models.CheckConstraint(
                condition=Q(protected_identity_disclosed=False)
                | (~Q(protected_role="") & Q(disclosure_reason_enc__isnull=False)),
                name="shareitem_disclosed_identity_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Item {self.position} of {self.share_id}"


class ShareView(BaseModel):
    """One view of a share by a recipient (issue #4 item 5: every view is logged)."""

    share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="views")
    recipient = models.ForeignKey(ShareRecipient, on_delete=models.PROTECT, related_name="views")
    viewed_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="share_views"
    )
    viewed_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=ViewChannel.choices)

    class Meta:
        ordering = ["viewed_at"]

    def __str__(self) -> str:
        return f"View of {self.share_id} at {self.viewed_at}"


class ShareAcknowledgement(BaseModel):
    """A recipient agency confirms receipt (and, for a file transfer, the file arrived)."""

    share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="acknowledgements")
    recipient = models.OneToOneField(
        ShareRecipient, on_delete=models.PROTECT, related_name="acknowledgement"
    )
    acknowledged_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="share_acknowledgements"
    )
    acknowledged_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Receipt of {self.share_id} acknowledged"


class ShareRevocation(BaseModel):
    """The sender ends recipients' access before the window closes."""

    share = models.OneToOneField(Share, on_delete=models.PROTECT, related_name="revocation")
    revoked_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="share_revocations"
    )
    revoked_at = models.DateTimeField()
    reason = models.CharField(max_length=30, choices=RevocationReason.choices)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=RevocationReason.values), name="sharerevocation_reason_known"
            )
        ]

    def __str__(self) -> str:
        return f"Revocation of {self.share_id}"


class InformationRequest(BaseModel):
    """Agency A asks agency B about a named child (issue #4 item 4; Protocol 5.2 Timely).

    `identity_share` is the share of the child's identity to B that raising the
    request makes, so B can see whom it is asked about (ADR 0005).
    """

    requesting_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="requests_made"
    )
    requested_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="requests_made"
    )
    requested_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="requests_received"
    )
    subject = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="information_requests"
    )
    purpose_enc = models.BinaryField(editable=False)
    information_needed_enc = models.BinaryField(editable=False)
    legal_basis = models.CharField("legal basis claimed", max_length=CODE_MAX)
    urgency = models.CharField(max_length=20, choices=Urgency.choices)
    due_on = models.DateField()
    raised_at = models.DateTimeField()
    identity_share = models.OneToOneField(
        Share, on_delete=models.PROTECT, related_name="information_request"
    )

    class Meta:
        ordering = ["due_on", "raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requesting_agency=F("requested_agency")),
                name="informationrequest_between_agencies",
            ),
            models.CheckConstraint(
                condition=Q(urgency__in=Urgency.values), name="informationrequest_urgency_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.id} to {self.requested_agency}"


class RequestWithdrawal(BaseModel):
    """The requesting agency no longer needs an answer."""

    request = models.OneToOneField(
        InformationRequest, on_delete=models.PROTECT, related_name="withdrawal"
    )
    withdrawn_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="request_withdrawals"
    )
    withdrawn_at = models.DateTimeField()
    reason = models.CharField(max_length=30, choices=WithdrawalReason.choices)

    def __str__(self) -> str:
        return f"Withdrawal of {self.request_id}"


class RequestResponse(BaseModel):
    """The requested agency's answer: the decision it recorded, share or not share.

    Both sides see the outcome (issue #4 item 4); the decision itself stays the
    answering agency's record.
    """

    request = models.OneToOneField(
        InformationRequest, on_delete=models.PROTECT, related_name="response"
    )
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, related_name="request_responses"
    )
    responded_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="request_responses"
    )
    responded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Answer to {self.request_id}"


class OnwardDisclosureRequest(BaseModel):
    """A recipient asks the source agency before passing information on (secondary disclosure)."""

    share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="onward_requests")
    requesting_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="onward_requests_made"
    )
    requested_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="onward_requests_made"
    )
    proposed_recipient = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="onward_requests_naming"
    )
    purpose_enc = models.BinaryField(editable=False)
    requested_at = models.DateTimeField()

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Onward disclosure request {self.id}"


class OnwardDisclosureAnswer(BaseModel):
    """The source agency's answer, recorded as one of its own decisions."""

    request = models.OneToOneField(
        OnwardDisclosureRequest, on_delete=models.PROTECT, related_name="answer"
    )
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, related_name="onward_answers"
    )
    answered_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="onward_answers"
    )
    answered_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Answer to {self.request_id}"


class Referral(BaseModel):
    """A referral to the children's trust front door (MASH) (Protocol App. 2 "Safeguarding").

    Consent is not required where there is reasonable cause to believe a child
    is suffering, or likely to suffer, significant harm; the reason is sealed.
    """

    share = models.OneToOneField(Share, on_delete=models.PROTECT, related_name="referral")
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, related_name="referrals"
    )
    front_door = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="referrals_received"
    )
    referred_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="referrals_made"
    )
    referred_at = models.DateTimeField()
    harm_basis = models.CharField(max_length=20, choices=HarmBasis.choices)
    urgency = models.CharField(max_length=20, choices=Urgency.choices, default=Urgency.SAME_DAY)
    reason_enc = models.BinaryField(editable=False)

    class Meta:
        ordering = ["-referred_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(harm_basis__in=HarmBasis.values), name="referral_harm_basis_known"
            ),
            models.CheckConstraint(
                condition=Q(urgency=Urgency.SAME_DAY), name="referral_is_same_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.id}"


class ContinuedUseDecision(models.TextChoices):
    STOP_USING = "stop_using", "Stop using the information and restrict it"
    CONTINUE_OTHER_BASIS = "continue_other_basis", "Continue to use it on another basis"


class ContinuedUse(BaseModel):
    """A recipient's decision, after consent was withdrawn, on the information it received."""

    recipient = models.OneToOneField(
        ShareRecipient, on_delete=models.PROTECT, related_name="continued_use"
    )
    withdrawal = models.ForeignKey(
        "consent.ConsentWithdrawal", on_delete=models.PROTECT, related_name="continued_uses"
    )
    decision = models.CharField(max_length=30, choices=ContinuedUseDecision.choices)
    reasons_enc = models.BinaryField(editable=False)
    reasons = SealedText(column="reasons_enc", field="reasons", subject="recipient.share.subject")
    decided_by = models.ForeignKey("agencies.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=ContinuedUseDecision.values),
                name="continueduse_decision_known",
            )
        ]
