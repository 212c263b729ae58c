"""Signatory agencies (Protocol App. 5), their staff and the roles staff hold."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from safeshare.core.models import BaseModel

ico_registration_validator = RegexValidator(
    regex=r"^[A-Z]{1,2}[0-9]{6,7}$",
    message="Enter an ICO registration number of 8 characters, like Z1234567 or ZA123456.",
    code="ico_registration_format",
)


class AgencyType(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    CHILDRENS_TRUST = "childrens_trust", "Children's trust"
    INTEGRATED_CARE_BOARD = "integrated_care_board", "Integrated care board"
    HEALTH_PROVIDER = "health_provider", "Health provider"
    POLICE = "police", "Police force"
    SCHOOL = "school", "School or college"
    COMMISSIONED_SERVICE = "commissioned_service", "Commissioned service"
    PARTNERSHIP = "partnership", "Safeguarding partnership business unit"


class PartnerStatus(models.TextChoices):
    """Working Together 2023: statutory safeguarding partners and relevant agencies."""

    STATUTORY_PARTNER = "statutory_partner", "Statutory safeguarding partner"
    RELEVANT_AGENCY = "relevant_agency", "Relevant agency"
    INDEPENDENT = "independent", "Independent (chair, scrutineer, business unit)"


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    SAFEGUARDING_LEAD = "safeguarding_lead", "Safeguarding lead or manager"
    LEAD_INFORMATION_OFFICER = "lead_information_officer", "Lead information officer"
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"
    PARTNERSHIP_OFFICER = "partnership_officer", "Partnership officer"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


class Agency(BaseModel):
    """A signatory organisation to the protocol (App. 5; 14.4 biennial reaffirmation)."""

    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=40, unique=True, help_text="Short code used in URLs.")
    agency_type = models.CharField(max_length=40, choices=AgencyType.choices)
    partner_status = models.CharField(max_length=40, choices=PartnerStatus.choices)
    ico_registration_number = models.CharField(
        max_length=9, blank=True, validators=[ico_registration_validator]
    )
    lead_information_officer = models.ForeignKey(
        "agencies.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lead_information_officer_for",
    )
    dpo_name = models.CharField("data protection officer", max_length=200, blank=True)
    dpo_email = models.EmailField("data protection officer email", blank=True)
    signed_on = models.DateField("date the protocol was signed", null=True, blank=True)
    signed_by_name = models.CharField("signed by", max_length=200, blank=True)
    signed_by_position = models.CharField("position of signatory", max_length=200, blank=True)
    reaffirmation_due = models.DateField(
        "biennial reaffirmation due", null=True, blank=True, help_text="Protocol 14.4."
    )
    is_front_door = models.BooleanField(
        "receives MASH referrals", default=False, help_text="The children's trust front door."
    )

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reaffirmation_due__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(reaffirmation_due__gt=F("signed_on")),
                name="agency_reaffirmation_after_signing",
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True)
                | (~Q(signed_by_name="") & ~Q(signed_by_position="")),
                name="agency_signature_names_signatory",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff. Roles come from the membership, read fresh on each request."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def agency(self) -> Agency | None:
        membership = getattr(self, "membership", None)
        return membership.agency if membership and membership.active else None

    @property
    def roles(self) -> frozenset[str]:
        membership = getattr(self, "membership", None)
        if membership is None or not membership.active:
            return frozenset()
        return frozenset(grant.role for grant in membership.role_grants.all())

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_administrator(self) -> bool:
        """Holds the administrator role: the admin site's test, read without importing Role."""
        return self.has_role(Role.ADMINISTRATOR)


class Membership(BaseModel):
    """A user belongs to one agency (DESIGN: users and roles)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    job_title = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency__name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} at {self.agency}"


class RoleGrant(BaseModel):
    """One role held by a membership."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=40, choices=Role.choices)

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "role"], name="rolegrant_unique_role"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="rolegrant_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.membership}: {self.get_role_display()}"
