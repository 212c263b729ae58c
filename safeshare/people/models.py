"""Data subjects: children, their families and third parties, and who works with them.

A person's identity fields are special-category personal data, so the row holds
them only encrypted under the person's own data key (``*_enc``), with keyed
blind indexes for exact-match search (``core.crypto``, docs/adr/0002). Read them
through ``people.selectors.person_identity``; write them only through
``people.services``. ``__str__`` never decrypts, so logs and the admin show no
names.
"""

from typing import Self

from django.db import models
from django.db.models import F, Q

from safeshare.agencies.models import Agency
from safeshare.core.models import BaseModel
from safeshare.core.sealed import SealedText


class PersonKind(models.TextChoices):
    """Who a record is about: a named child, a parent, carer or other family member,
    or a third party (Protocol App. 2 Q2)."""

    CHILD = "child", "Child or young person"
    PARENT_CARER = "parent_carer", "Parent or carer"
    FAMILY_MEMBER = "family_member", "Other family member"
    THIRD_PARTY = "third_party", "Third party"


class IdentityField(models.TextChoices):
    """The parts of a person's identity a share can carry (Protocol App. 2 Q6: only what is
    needed). A recipient sees a person only through these, never the whole record."""

    NAME = "name", "Name"
    DATE_OF_BIRTH = "date_of_birth", "Date of birth"
    NHS_NUMBER = "nhs_number", "NHS number"


class RelationshipType(models.TextChoices):
    """What the related person is to the person: "<related person> is the person's <type>"."""

    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    PARENT = "parent", "Parent"
    STEP_PARENT = "step_parent", "Step-parent"
    ADOPTIVE_PARENT = "adoptive_parent", "Adoptive parent"
    SPECIAL_GUARDIAN = "special_guardian", "Special guardian"
    FOSTER_CARER = "foster_carer", "Foster carer"
    KINSHIP_CARER = "kinship_carer", "Kinship carer"
    CARER = "carer", "Carer"
    GRANDPARENT = "grandparent", "Grandparent"
    SIBLING = "sibling", "Sibling"
    AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
    PARTNER_OF_PARENT = "partner_of_parent", "Partner of a parent"
    OTHER_RELATIVE = "other_relative", "Other relative"
    OTHER = "other", "Other"


class Person(BaseModel):
    """A data subject. After crypto-shredding the row stays as a tombstone with no key."""

    kind = models.CharField(max_length=20, choices=PersonKind.choices)
    # The person's data key, wrapped by the key-encryption key; None once shredded.
    wrapped_key = models.BinaryField(null=True, editable=False)
    shredded_at = models.DateTimeField(null=True, blank=True, editable=False)
    given_name_enc = models.BinaryField(editable=False)
    family_name_enc = models.BinaryField(editable=False)
    date_of_birth_enc = models.BinaryField(editable=False)
    nhs_number_enc = models.BinaryField(null=True, editable=False)
    # HMAC blind indexes (hex), so exact matches are found without the plaintext.
    # NULL, not "", means "no value": many people have no NHS number, and NULLs
    # do not collide under the unique constraint.
    nhs_number_index = models.CharField(max_length=64, null=True, editable=False)  # noqa: DJ001
    name_dob_index = models.CharField(  # noqa: DJ001
        max_length=64, null=True, db_index=True, editable=False
    )
    # The identity's version, from 1, raised by every correction: a client edits
    # from the version it read (the API's ETag), so a second edit from the same
    # version is refused instead of overwriting the first. ``identity_changed_in``
    # maps a field (given_name, ..., kind) to the version that last changed it,
    # so the refusal can name the fields that changed (never their values).
    identity_version = models.PositiveIntegerField(default=1, editable=False)
    identity_changed_in = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "people"
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PersonKind.values), name="person_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(
                    shredded_at__isnull=True,
                    wrapped_key__isnull=False,
                    name_dob_index__isnull=False,
                )
                | Q(
                    shredded_at__isnull=False,
                    wrapped_key__isnull=True,
                    nhs_number_index__isnull=True,
                    name_dob_index__isnull=True,
                ),
                name="person_shredded_has_no_key_or_index",
            ),
            models.CheckConstraint(
                condition=Q(shredded_at__isnull=False)
                | Q(nhs_number_enc__isnull=True, nhs_number_index__isnull=True)
                | Q(nhs_number_enc__isnull=False, nhs_number_index__isnull=False),
                name="person_nhs_number_indexed",
            ),
            models.CheckConstraint(
                condition=Q(identity_version__gte=1), name="person_identity_version_positive"
            ),
            # An NHS number identifies one person (the consistent identifier).
            models.UniqueConstraint(fields=["nhs_number_index"], name="person_unique_nhs_number"),
        ]

    def __str__(self) -> str:
        state = " (erased)" if self.is_shredded else ""
        return f"{self.get_kind_display()} {str(self.id)[:8]}{state}"

    @property
    def sealing_key_destroyed(self) -> bool:
        """Case text about this person no longer opens (core.sealed)."""
        return self.is_shredded or self.wrapped_key is None

    def sealing_key(self) -> bytes:
        """The key case text about this person is sealed under (core.sealed)."""
        from safeshare.people.identity import data_key  # identity imports this module

        return data_key(self)

    @property
    def is_shredded(self) -> bool:
        return self.shredded_at is not None

    @property
    def reference(self) -> str:
        """The pseudonymous reference used in the ledger and across agencies."""
        return str(self.id)


class Relationship(BaseModel):
    """The related person is the person's <relationship type>, since / until a date.

    ``has_parental_responsibility`` means the related person holds parental
    responsibility for the person (Children Act 1989 s3), who must be a child:
    it decides who may consent for a child (Protocol App. 2 Q4).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships")
    related_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="relationships_as_related"
    )
    relationship_type = models.CharField(max_length=30, choices=RelationshipType.choices)
    has_parental_responsibility = models.BooleanField(default=False)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(person=F("related_person")), name="relationship_not_self"
            ),
            models.CheckConstraint(
                condition=Q(relationship_type__in=RelationshipType.values),
                name="relationship_type_known",
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="relationship_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["person", "related_person", "relationship_type"],
                condition=Q(ended_on__isnull=True),
                name="relationship_unique_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_relationship_type_display()} of {self.person}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class InvolvementQuerySet(models.QuerySet["Involvement"]):
    """The reads of involvements that access and the selectors write many times."""

    def for_agency(self, agency: Agency) -> Self:
        return self.filter(agency=agency)

    def open(self) -> Self:
        """Involvements not ended: the agency works with the person now."""
        return self.filter(ended_on__isnull=True)


class Involvement(BaseModel):
    """This agency works with this person: the basis of who may see them (access scope).

    ``reason_enc`` holds the service or reason ("Early Help assessment") sealed
    under the person's data key (``core.sealed``): even a service's name can
    say something special-category about a child.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="involvements")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="involvements")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason_enc = models.BinaryField("service or reason (sealed)", null=True, editable=False)
    reason = SealedText(column="reason_enc", field="involvement_reason", subject="person")

    objects = InvolvementQuerySet.as_manager()

    class Meta:
        ordering = ["started_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="involvement_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["agency", "person"],
                condition=Q(ended_on__isnull=True),
                name="involvement_unique_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} with {self.person}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None
