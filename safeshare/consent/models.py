"""Consent to share, and what surrounds it (Protocol 1.7, 6, App. 2 Q4, golden rules 2 and 4).

A consent record says that a person — the child, or someone with parental
responsibility for the child — agreed or refused, on a date, that the agency
which asked may share some categories of information about the child, for
some purposes, with some recipients. Consent is the practice requirement of
explicit, informed agreement (App. 2 Early Help), never the lawful basis for
processing (1.7), which the decision records separately.

Records are written once. A withdrawal, a capacity assessment, a conflict and
the safeguarding lead's guidance on it, a recipient's decision on continued
use, and the notice given at first contact (6.2) are rows of their own.
Free text (evidence, reasons, notes, guidance) is sealed under the child's
data key, so erasing the child erases it too.
"""

from django.db import models
from django.db.models import Q

from safeshare.core.models import BaseModel
from safeshare.core.sealed import SealedText


class ItemCategory(models.TextChoices):
    """What an item of information is about (a closed list): what a share carries and what
    a consent covers."""

    IDENTITY = "identity", "Identity and contact details"
    FAMILY = "family", "Family and household"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education and attendance"
    SAFEGUARDING = "safeguarding", "Safeguarding history and concerns"
    CRIMINAL = "criminal", "Offending or police involvement"
    SERVICES = "services", "Services involved and support given"
    RISK = "risk", "Risk to the child or others"
    OTHER = "other", "Other"


class ConsentDecision(models.TextChoices):
    GIVEN = "given", "Consent given"
    REFUSED = "refused", "Consent refused"


class GiverRole(models.TextChoices):
    """Whose consent it is (App. 2 Q4: the child, or a person with parental responsibility)."""

    CHILD = "child", "The child or young person"
    PARENTAL_RESPONSIBILITY = "parental_responsibility", "A person with parental responsibility"


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", "In writing"
    VERBAL = "verbal", "Verbally"
    ELECTRONIC = "electronic", "Electronically"


class SharingPurpose(models.TextChoices):
    """Why the agency shares (App. 2 Early Help and Q1). A decision relying on consent names
    one, and the consent must cover it."""

    UNDERSTAND_NEEDS = "understand_needs", "To understand the needs of the child or family"
    RECEIVE_SERVICE = (
        "receive_service",
        "So the child or family can receive a service from another agency",
    )
    EARLY_HELP_ASSESSMENT = "early_help_assessment", "Early Help assessment and plan"
    HEALTH_CARE = "health_care", "Health care"
    EDUCATION_SUPPORT = "education_support", "Support in education"
    SAFEGUARDING = "safeguarding", "Safeguarding the child"


class RecipientPurpose(models.TextChoices):
    """What the recipients may use the information for (App. 2 Q4, fourth point)."""

    PROVIDE_SUPPORT = "provide_support", "To provide support or a service"
    ASSESSMENT = "assessment", "To assess the child's or family's needs"
    SAFEGUARDING = "safeguarding", "To safeguard the child or others"
    DETECTION_OF_CRIME = "detection_of_crime", "The prevention or detection of crime"


class CapacityConclusion(models.TextChoices):
    HAS_CAPACITY = "has_capacity", "Able to understand and decide"
    LACKS_CAPACITY = "lacks_capacity", "Not able to understand and decide"


class ConflictKind(models.TextChoices):
    CHILD_AND_PARENT = (
        "child_and_parent",
        "The child and a person with parental responsibility disagree",
    )
    BETWEEN_PARENTS = (
        "between_parents",
        "Two people with parental responsibility disagree",
    )


class ConflictOutcome(models.TextChoices):
    CONSENT_STANDS = "consent_stands", "The consent may be relied on"
    REFUSAL_STANDS = "refusal_stands", "The refusal stands: do not rely on the consent"


class NoticeMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    WRITTEN = "written", "In writing (leaflet or letter)"
    PHONE = "phone", "By phone"
    ELECTRONIC = "electronic", "Electronically"


class CapacityAssessment(BaseModel):
    """Whether a person could understand and decide about sharing (App. 2 Q4; Mental Capacity
    Act 2005): needed before a child under 16 consents; a parent found to lack capacity
    cannot consent for the child."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="capacity_assessments"
    )
    child = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="capacity_assessments_about",
        help_text="The child whose information is in question (whose key seals the notes).",
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    assessed_by = models.ForeignKey("agencies.User", on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()
    conclusion = models.CharField(max_length=20, choices=CapacityConclusion.choices)
    notes_enc = models.BinaryField(null=True, editable=False)
    notes = SealedText(column="notes_enc", field="notes", subject="child")

    class Meta:
        ordering = ["-assessed_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(conclusion__in=CapacityConclusion.values),
                name="capacityassessment_conclusion_known",
            )
        ]


class Consent(BaseModel):
    """A person's consent to, or refusal of, sharing information about a child."""

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consents")
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="consents",
        help_text="The agency that asked; only its decisions may rely on this consent.",
    )
    decision = models.CharField(max_length=10, choices=ConsentDecision.choices)
    given_by = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="consents_given"
    )
    giver_role = models.CharField(max_length=30, choices=GiverRole.choices)
    capacity_assessment = models.ForeignKey(
        CapacityAssessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    giver_competent = models.BooleanField(
        default=True,
        help_text="False for a refusal by a child under 16 not assessed as able to decide: "
        "recorded as their wishes (golden rule 4), not as a refusal that blocks sharing.",
    )
    giver_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The child's age when they decided, if the giver."
    )
    # Scope (App. 2 Q4): what, why, to whom, and for the recipients' own purposes.
    categories = models.JSONField(default=list)
    purposes = models.JSONField(default=list)
    recipient_agencies = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="consents_naming"
    )
    recipient_agency_types = models.JSONField(default=list, blank=True)
    recipient_purposes = models.JSONField(default=list, blank=True)
    # What was explained, and how the consent was given (App. 2 Q4).
    explained_information = models.BooleanField(default=False)
    explained_purposes = models.BooleanField(default=False)
    explained_recipients = models.BooleanField(default=False)
    explained_recipient_purposes = models.BooleanField(default=False)
    freely_given = models.BooleanField(default=False)
    informed = models.BooleanField(default=False)
    explicit = models.BooleanField(default=False)
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    evidence_enc = models.BinaryField(null=True, editable=False)
    reasons_enc = models.BinaryField(null=True, editable=False)
    evidence = SealedText(column="evidence_enc", field="evidence", subject="child")
    reasons = SealedText(column="reasons_enc", field="reasons", subject="child")
    given_at = models.DateTimeField(help_text="When the person consented or refused.")
    review_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey("agencies.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-given_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=ConsentDecision.values), name="consent_decision_known"
            ),
            models.CheckConstraint(
                condition=Q(giver_role__in=GiverRole.values), name="consent_giver_role_known"
            ),
            models.CheckConstraint(
                condition=Q(method__in=ConsentMethod.values), name="consent_method_known"
            ),
            # Consent must be freely given, informed and explicit, with the four things
            # explained, and a date to review it (App. 2 Q4).
            models.CheckConstraint(
                condition=~Q(decision=ConsentDecision.GIVEN)
                | Q(
                    explained_information=True,
                    explained_purposes=True,
                    explained_recipients=True,
                    explained_recipient_purposes=True,
                    freely_given=True,
                    informed=True,
                    explicit=True,
                    review_on__isnull=False,
                ),
                name="consent_given_is_valid_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.given_at:%d %b %Y})"

    @property
    def is_given(self) -> bool:
        return self.decision == ConsentDecision.GIVEN


class ConsentWithdrawal(BaseModel):
    """Consent withdrawn: from then no new share may rely on it (App. 2 Q4)."""

    consent = models.OneToOneField(Consent, on_delete=models.PROTECT, related_name="withdrawal")
    withdrawn_at = models.DateTimeField()
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    reasons_enc = models.BinaryField(null=True, editable=False)
    reasons = SealedText(column="reasons_enc", field="reasons", subject="consent.child")
    recorded_by = models.ForeignKey("agencies.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=ConsentMethod.values), name="consentwithdrawal_method_known"
            )
        ]


class ConsentConflict(BaseModel):
    """The child and a parent, or two parents, disagree (App. 2 Q4: seek guidance from the
    safeguarding lead). `consent` is the agreement, `refusal` the disagreement."""

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=ConflictKind.choices)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="conflicts")
    refusal = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")
    detected_at = models.DateTimeField()

    class Meta:
        ordering = ["-detected_at"]
        constraints = [
            models.UniqueConstraint(fields=["consent", "refusal"], name="consentconflict_once"),
            models.CheckConstraint(
                condition=Q(kind__in=ConflictKind.values), name="consentconflict_kind_known"
            ),
        ]


class ConsentConflictGuidance(BaseModel):
    """The safeguarding lead's guidance on a conflict, and its outcome."""

    conflict = models.OneToOneField(
        ConsentConflict, on_delete=models.PROTECT, related_name="guidance"
    )
    given_by = models.ForeignKey("agencies.User", on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField()
    guidance_enc = models.BinaryField(editable=False)
    guidance = SealedText(column="guidance_enc", field="guidance", subject="conflict.child")
    outcome = models.CharField(max_length=20, choices=ConflictOutcome.choices)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=ConflictOutcome.values),
                name="consentconflictguidance_outcome_known",
            )
        ]


class PrivacyNotice(BaseModel):
    """The family was told how the agency shares information and on what basis (6.2)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="privacy_notices"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    told_on = models.DateField()
    method = models.CharField(max_length=20, choices=NoticeMethod.choices)
    told_to = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who was told, if not the person themself (a parent or carer).",
    )
    recorded_by = models.ForeignKey("agencies.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-told_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=NoticeMethod.values), name="privacynotice_method_known"
            )
        ]
