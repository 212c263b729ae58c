"""Decisions to share or not to share, the advice behind them and the pack in force.

A decision is the permanent record the protocol asks for (Protocol 8.1, 9.1;
App. 2 Q7): share or not share, equally complete. Free text about the child
(purpose, rationale, what was considered, reasoning, advice) is sealed under
the subject's data key (``core.sealed``) into ``*_enc`` fields; codes from
the protocol pack (levels of need, legal bases, consent reasons) are stored
plainly. Decisions are never edited: a correction is a new decision that
supersedes the old one, and both are kept.
"""

from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery

from safeshare.core.models import BaseModel
from safeshare.core.sealed import SealedText

if TYPE_CHECKING:
    from safeshare.agencies.models import Agency


class DecisionOutcome(models.TextChoices):
    """What the practitioner decided (Protocol App. 2 Q7: record either way)."""

    SHARE = "share", "Share"
    NOT_SHARE = "not_share", "Do not share"


class AidOutcome(models.TextChoices):
    """What the decision aid recommends (Protocol App. 2, App. 4)."""

    SHARE = "share", "Share"
    SHARE_WITHOUT_CONSENT = "share_without_consent", "Share without consent"
    SEEK_CONSENT = "seek_consent", "Seek consent first"
    DO_NOT_SHARE = "do_not_share", "Do not share"
    ANONYMISE = "anonymise", "Anonymised information is enough"
    SEEK_ADVICE = "seek_advice", "Seek advice"


class ConsentState(models.TextChoices):
    """Explicit, informed agreement to share (the practice requirement of App. 2 Q4).

    Kept apart from the lawful basis for processing (Protocol 1.7), which is
    normally public task or legal obligation, not consent.
    """

    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_SOUGHT = "not_sought", "Not sought"
    NOT_APPLICABLE = "not_applicable", "Not applicable (nothing identifiable is shared)"


class ReviewOutcome(models.TextChoices):
    """A safeguarding lead's view of a decision that departs from the aid's recommendation."""

    ENDORSED = "endorsed", "Endorsed: the departure is justified"
    CORRECTION_NEEDED = "correction_needed", "A correcting decision is needed"


class DecisionQuerySet(models.QuerySet["Decision"]):
    """The reads of decisions written in many places, so a selector reads as a sentence."""

    def for_agency(self, agency: "Agency") -> Self:
        """Decisions the agency recorded (a decision belongs to its deciding agency)."""
        return self.filter(agency=agency)

    def correcting(self, decision: "Decision") -> Self:
        """The decision that supersedes this one, if any (it is corrected once)."""
        return self.filter(supersedes=decision)

    def current(self) -> Self:
        """Decisions no later decision supersedes: the ones still in force (App. 2 Q7)."""
        return self.exclude(Exists(Decision.objects.filter(supersedes=OuterRef("pk"))))

    def with_superseded_by(self) -> Self:
        """Annotate ``superseded_by_pk`` (None: in force), so a list needs no query per row."""
        later = Decision.objects.filter(supersedes=OuterRef("pk")).values("pk")[:1]
        return self.annotate(superseded_by_pk=Subquery(later))


class Decision(BaseModel):
    """A practitioner's recorded decision to share or not to share (Protocol App. 2 Q7)."""

    subject = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    anonymised = models.BooleanField(
        default=False, help_text="The decision concerns anonymised information only (App. 2 Q2)."
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    decided_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="decisions_made"
    )
    decided_at = models.DateTimeField()
    # Recorded later than decided (issue #11 item 4): a reason code of the pack's
    # `recording.backdating_reasons`, and its explanation sealed; `created_at` is when recorded.
    backdating_reason = models.CharField(max_length=40, blank=True)
    backdating_explanation_enc = models.BinaryField(null=True, editable=False)
    backdating_explanation = SealedText(
        column="backdating_explanation_enc", field="backdating_explanation", subject="subject"
    )
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by_set",
        help_text="The earlier decision this one corrects; both are kept.",
    )
    # The protocol pack the aid ran under; changing the pack in force never alters these.
    pack_id = models.CharField(max_length=60)
    pack_version = models.CharField(max_length=20)

    # Question 1: the purpose, and the level of need it serves.
    purpose_enc = models.BinaryField(editable=False)
    purpose = SealedText(column="purpose_enc", field="purpose", subject="subject")
    level_of_need = models.CharField(
        max_length=60, blank=True, help_text="A level-of-need code of the pack (blank: anonymised)."
    )
    # The aid: answers given (codes only), what it recommended and why.
    answers = models.JSONField(default=dict, blank=True)
    recommendation = models.CharField(max_length=30, choices=AidOutcome.choices)
    recommendation_explanation = models.TextField(
        help_text="Generated from the pack and the answer codes; holds no personal data."
    )
    required_fields = models.JSONField(default=list, blank=True)
    # The practitioner's own judgement.
    rationale_enc = models.BinaryField(editable=False)
    rationale = SealedText(column="rationale_enc", field="rationale", subject="subject")
    departs_from_recommendation = models.BooleanField(default=False)

    # Lawful basis for processing (Protocol 1.7; UK GDPR Art 6 and Art 9; statute).
    lawful_basis = models.CharField(
        max_length=60, blank=True, help_text="A UK GDPR Art 6 basis code of the pack."
    )
    special_category_condition = models.CharField(
        max_length=60, blank=True, help_text="A UK GDPR Art 9 / DPA 2018 Sch 1 code of the pack."
    )
    statutory_gateways = models.JSONField(
        default=list,
        blank=True,
        help_text="Statute codes of the pack (e.g. Children Act 1989 s47).",
    )

    # Practice requirement of explicit agreement before sharing (App. 2 Q4), not a lawful basis.
    explicit_consent_expected = models.BooleanField(
        default=False, help_text="The level of need calls for explicit, informed agreement."
    )
    consent_state = models.CharField(max_length=20, choices=ConsentState.choices)
    consent_given_by = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents_given_to_decisions",
    )
    consent_given_at = models.DateTimeField(null=True, blank=True)
    consent = models.ForeignKey(
        "consent.Consent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        help_text="The consent record relied on (given), or the refusal on file (refused).",
    )
    purpose_code = models.CharField(
        max_length=40,
        blank=True,
        help_text="The purpose, from consent.SharingPurpose; needed to rely on a consent.",
    )
    consent_not_sought_reason = models.CharField(
        max_length=60, blank=True, help_text="A reason code of the pack (Protocol 6.3, 6.7)."
    )
    safeguarding_reason = models.CharField(
        max_length=60,
        blank=True,
        help_text="Why sharing goes ahead without consent or despite refusal (Protocol 6.3).",
    )

    # What was considered and, when sharing, with whom (App. 2 Q6).
    information_considered_enc = models.BinaryField(editable=False)
    information_considered = SealedText(
        column="information_considered_enc", field="information_considered", subject="subject"
    )
    recipient_agencies = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="decisions_naming_as_recipient"
    )

    # The duty to share (Children Act 2004 s16LA) and its "more detrimental to the child" test.
    duty_to_share_applies = models.BooleanField(default=False)
    more_detrimental_to_child = models.BooleanField(
        null=True,
        blank=True,
        help_text="Sharing would be more detrimental to the child than not sharing (s16LA).",
    )
    more_detrimental_reasoning_enc = models.BinaryField(null=True, editable=False)
    more_detrimental_reasoning = SealedText(
        column="more_detrimental_reasoning_enc",
        field="more_detrimental_reasoning",
        subject="subject",
    )

    # Advice sought before deciding (issue #4 item 7; golden rule 3).
    advice_requests = models.ManyToManyField(
        "decisions.AdviceRequest", blank=True, related_name="decisions"
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-created_at"]
        indexes = [models.Index(fields=["agency", "departs_from_recommendation"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=DecisionOutcome.values), name="decision_outcome_known"
            ),
            models.CheckConstraint(
                condition=Q(recommendation__in=AidOutcome.values),
                name="decision_recommendation_known",
            ),
            models.CheckConstraint(
                condition=Q(consent_state__in=ConsentState.values),
                name="decision_consent_state_known",
            ),
            models.CheckConstraint(
                condition=Q(anonymised=True, subject__isnull=True)
                | Q(anonymised=False, subject__isnull=False),
                name="decision_names_child_or_is_anonymised",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(supersedes=F("id")),
                name="decision_not_superseding_itself",
            ),
            # A decision is corrected once; a further correction supersedes the correction.
            models.UniqueConstraint(fields=["supersedes"], name="decision_superseded_once"),
            models.CheckConstraint(
                condition=~Q(backdating_reason="") | Q(backdating_explanation_enc__isnull=True),
                name="decision_backdating_explained_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(consent_state=ConsentState.GIVEN)
                | Q(consent_given_by__isnull=False, consent_given_at__isnull=False),
                name="decision_consent_given_by_whom_and_when",
            ),
            models.CheckConstraint(
                condition=~Q(consent_state=ConsentState.GIVEN)
                | Q(consent__isnull=False, purpose_code__gt=""),
                name="decision_consent_given_cites_consent_and_purpose",
            ),
            models.CheckConstraint(
                condition=~Q(consent_state=ConsentState.NOT_SOUGHT)
                | ~Q(consent_not_sought_reason=""),
                name="decision_consent_not_sought_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=DecisionOutcome.SHARE) | ~Q(lawful_basis=""),
                name="decision_share_has_lawful_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision {str(self.id)[:8]}: {self.get_outcome_display()}"

    @property
    def is_superseded(self) -> bool:
        """Whether a later decision corrects this one.

        List selectors annotate ``superseded_by_pk`` so a page of decisions needs
        no query per row; otherwise this asks the database.
        """
        if hasattr(self, "superseded_by_pk"):
            return self.superseded_by_pk is not None
        return self.superseded_by_set.exists()


class DecisionReview(BaseModel):
    """A safeguarding lead's review of a decision that departs from the recommendation."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="reviews")
    reviewed_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="decision_reviews"
    )
    reviewed_at = models.DateTimeField()
    outcome = models.CharField(max_length=30, choices=ReviewOutcome.choices)
    comments_enc = models.BinaryField(editable=False)
    comments = SealedText(column="comments_enc", field="comments", subject="decision.subject")

    class Meta:
        ordering = ["reviewed_at", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=ReviewOutcome.values), name="decisionreview_outcome_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.decision_id}: {self.get_outcome_display()}"


class AdviceRequest(BaseModel):
    """A practitioner in doubt asks their safeguarding lead or lead information officer.

    By default the adviser does not see who the child is (golden rule 3 of
    2018; "seek advice promptly" in the 2024 advice): ``identity_revealed``
    is the asker's choice. ``subject`` is kept so the text is sealed under the
    child's key and the advice can be attached to the decision.
    """

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="advice_requests"
    )
    asked_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="advice_asked"
    )
    adviser = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="advice_requests_received"
    )
    subject = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advice_requests",
    )
    identity_revealed = models.BooleanField(default=False)
    asked_at = models.DateTimeField()
    question_enc = models.BinaryField(editable=False)
    question = SealedText(column="question_enc", field="question", subject="subject")

    class Meta:
        ordering = ["-asked_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(asked_by=F("adviser")), name="advicerequest_not_self"
            ),
            models.CheckConstraint(
                condition=Q(identity_revealed=False) | Q(subject__isnull=False),
                name="advicerequest_revealed_needs_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"Advice request {str(self.id)[:8]}"


class AdviceResponse(BaseModel):
    """The adviser's answer to an advice request: the advice and the outcome it points to."""

    request = models.OneToOneField(AdviceRequest, on_delete=models.PROTECT, related_name="response")
    given_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="advice_given"
    )
    given_at = models.DateTimeField()
    advised_outcome = models.CharField(max_length=30, choices=AidOutcome.choices)
    advice_enc = models.BinaryField(editable=False)
    advice = SealedText(column="advice_enc", field="advice", subject="request.subject")

    class Meta:
        ordering = ["given_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(advised_outcome__in=AidOutcome.values),
                name="adviceresponse_outcome_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Advice on {self.request_id}"


class ProtocolPackChoice(BaseModel):
    """The partnership officer chose this protocol pack to be in force (a new row each time)."""

    pack_id = models.CharField(max_length=60)
    chosen_by = models.ForeignKey(
        "agencies.User", on_delete=models.PROTECT, related_name="pack_choices"
    )
    chosen_at = models.DateTimeField()
    reason = models.CharField(
        max_length=500, help_text="Why this pack is now in force; no personal data."
    )

    class Meta:
        ordering = ["-chosen_at", "-created_at"]
        get_latest_by = ["chosen_at", "created_at"]

    def __str__(self) -> str:
        return f"{self.pack_id} chosen at {self.chosen_at:%Y-%m-%d %H:%M}"
