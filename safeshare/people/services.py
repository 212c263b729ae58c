"""Writes to people, relationships and involvements: the only code that does.

Every service is keyword-only, names its actor (a member of staff, or ``None``
with a ``system:<command>`` reference for work no person started), validates
before writing, and appends its ledger entry in the same transaction. Ledger
payloads carry pseudonymous references and field names only, never a name,
date of birth or NHS number (DESIGN "Ledger").
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction

from safeshare.core import clock, crypto
from safeshare.core.errors import VersionConflict
from safeshare.ledger.kinds import EntryKind
from safeshare.ledger.services import actor_ref_for, ledger_append

from . import identity as ident
from .models import Involvement, Person, PersonKind, Relationship, RelationshipType

if TYPE_CHECKING:
    from safeshare.agencies.models import Agency, User

NAME_MAX_LENGTH: Final = 200
OLDEST_DATE_OF_BIRTH: Final = datetime.date(1900, 1, 1)


class ShredReason(models.TextChoices):
    """Why a person's data key is destroyed; a closed list keeps free text out of the ledger."""

    RETENTION_ENDED = "retention_ended", "The retention period has ended"
    ERASURE_REQUEST = "erasure_request", "Erasure request upheld (UK GDPR Art 17)"
    RECORDED_IN_ERROR = "recorded_in_error", "Recorded in error"


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = _Unchanged()


# --- helpers ---------------------------------------------------------------------------


def _actor_ref(actor: User | None, actor_ref: str | None) -> str:
    if actor is not None:
        return actor_ref_for(actor)
    if not actor_ref or not actor_ref.startswith("system:"):
        raise ValueError("Without a user, name the system actor as actor_ref='system:<command>'.")
    return actor_ref


def _check_actor_agency(actor: User | None, agency: Agency) -> None:
    """A member of staff acts for their own agency only (Protocol App. 1, agency duties)."""
    if actor is not None and (actor.agency is None or actor.agency.pk != agency.pk):
        raise PermissionDenied("You can only record this for your own agency.")


def _append(
    *, kind: str, actor_ref: str, agency: Agency | None, person: Person, payload: dict
) -> None:
    ledger_append(
        kind=kind,
        actor_ref=actor_ref,
        agency_ref=str(agency.pk) if agency is not None else None,
        subject_ref=person.reference,
        payload=payload,
    )


def _clean_name(value: object, *, field: str, label: str, errors: dict) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        errors[field] = [f"Enter the {label}."]
    elif len(text) > NAME_MAX_LENGTH:
        errors[field] = [f"The {label} must be {NAME_MAX_LENGTH} characters or fewer."]
    elif not crypto.normalise_name(text):
        errors[field] = [f"The {label} must contain at least one letter."]
    return text


def _clean_date_of_birth(value: object, *, errors: dict) -> datetime.date | None:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        errors["date_of_birth"] = ["Enter the date of birth as a real date."]
        return None
    if value > clock.today():
        errors["date_of_birth"] = ["The date of birth must be today or in the past."]
        return None
    if value < OLDEST_DATE_OF_BIRTH:
        errors["date_of_birth"] = ["The date of birth must be on or after 1 January 1900."]
        return None
    return value


def _clean_nhs_number(value: str | None, *, errors: dict) -> str | None:
    if value is None or not str(value).strip():
        return None
    try:
        return crypto.normalise_nhs_number(value)
    except ValidationError as error:
        errors["nhs_number"] = error.messages
        return None


def _check_nhs_number_free(nhs_number: str | None, *, person: Person, errors: dict) -> None:
    """An NHS number identifies one person: the consistent identifier (LAW: CWSA 2026 s4)."""
    if nhs_number is None or "nhs_number" in errors:
        return
    taken = (
        Person.objects.filter(nhs_number_index=ident.nhs_number_index(nhs_number))
        .exclude(pk=person.pk)
        .exists()
    )
    if taken:
        errors["nhs_number"] = [
            "A person with this NHS number is already recorded. Search for them by NHS "
            "number instead of recording them again."
        ]


def _save_person(person: Person) -> None:
    """Save, turning a race on the NHS number into the same message as the check."""
    person.full_clean()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as error:
        if "nhs_number" in str(error).lower():
            raise ValidationError(
                {"nhs_number": ["A person with this NHS number is already recorded."]}
            ) from error
        raise


def _check_not_shredded(person: Person, *, field: str = "person") -> None:
    if person.is_shredded:
        raise ValidationError({field: ["This person's record has been erased; it cannot change."]})


def _clean_start(value: datetime.date | None, *, field: str, errors: dict) -> datetime.date:
    today = clock.today()
    if value is None:
        return today
    if value > today:
        errors[field] = ["The start date must be today or in the past."]
    return value


# --- people ----------------------------------------------------------------------------


@transaction.atomic
def person_create(
    *,
    actor: User | None,
    agency: Agency,
    kind: str,
    given_name: str,
    family_name: str,
    date_of_birth: datetime.date,
    nhs_number: str | None = None,
    involvement_reason: str = "",
    actor_ref: str | None = None,
) -> Person:
    """Record a data subject and open the agency's involvement with them.

    Identity fields are encrypted under a new data key wrapped by the KEK
    (DESIGN "Encryption"); the NHS number, where known, is the consistent
    identifier and may belong to one person only (LAW: Children Act 2004
    s16LB as inserted by CWSA 2026 s4). The agency that records the person
    starts working with them, which puts them in its scope (DESIGN "Access").
    """
    ref = _actor_ref(actor, actor_ref)
    _check_actor_agency(actor, agency)
    errors: dict[str, list[str]] = {}
    if kind not in PersonKind.values:
        errors["kind"] = [
            "Choose whether the person is a child, a parent or carer, "
            "another family member or a third party."
        ]
    given = _clean_name(given_name, field="given_name", label="given name", errors=errors)
    family = _clean_name(family_name, field="family_name", label="family name", errors=errors)
    dob = _clean_date_of_birth(date_of_birth, errors=errors)
    nhs = _clean_nhs_number(nhs_number, errors=errors)
    person = Person(kind=str(kind))
    _check_nhs_number_free(nhs, person=person, errors=errors)
    _clean_reason(involvement_reason, field="involvement_reason", errors=errors)
    if errors:
        raise ValidationError(errors)
    assert dob is not None

    dek = crypto.new_data_key()
    person.wrapped_key = crypto.wrap_key(dek, context=ident.key_context(person.id))
    ident.seal_identity(
        person, dek, given_name=given, family_name=family, date_of_birth=dob, nhs_number=nhs
    )
    _save_person(person)
    _append(
        kind=EntryKind.PERSON_CREATED,
        actor_ref=ref,
        agency=agency,
        person=person,
        payload={"kind": str(person.kind), "nhs_number_recorded": nhs is not None},
    )
    _involvement_open(
        actor_ref=ref,
        agency=agency,
        person=person,
        started_on=clock.today(),
        reason=involvement_reason.strip(),
    )
    return person


@transaction.atomic
def person_update_identity(
    *,
    actor: User | None,
    person: Person,
    given_name: str | _Unchanged = UNCHANGED,
    family_name: str | _Unchanged = UNCHANGED,
    date_of_birth: datetime.date | _Unchanged = UNCHANGED,
    nhs_number: str | None | _Unchanged = UNCHANGED,
    kind: str | _Unchanged = UNCHANGED,
    expected_version: int | None = None,
    actor_ref: str | None = None,
) -> Person:
    """Correct a person's identity (UK GDPR Art 5(1)(d) accuracy, Art 16 rectification).

    Fields left ``UNCHANGED`` keep their value; ``nhs_number=None`` removes a
    number recorded in error. All fields are re-encrypted with fresh nonces and
    the blind indexes recomputed; the ledger names the fields that changed,
    never their values.

    With ``expected_version`` (the identity version the editor read) the edit is
    a compare-and-set: the row is locked, and if another correction came first
    ``VersionConflict`` names the fields it changed and nothing is written, so
    no correction is lost silently (Art 5(1)(d): the record stays the one each
    editor meant). A change raises the version by one.
    """
    ref = _actor_ref(actor, actor_ref)
    # Lock the row and work from it, not from the caller's copy: two concurrent
    # corrections must not both start from the same version.
    locked = Person.objects.select_for_update().get(pk=person.pk)
    _check_not_shredded(locked)
    if expected_version is not None and locked.identity_version != expected_version:
        raise VersionConflict(
            noun="identity",
            changed=_identity_changed_since(locked, expected_version),
            current_version=locked.identity_version,
        )
    _update_identity(
        ref=ref,
        actor=actor,
        person=locked,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        nhs_number=nhs_number,
        kind=kind,
    )
    # Keep the caller's instance in step with the row.
    for field in (
        "kind",
        "given_name_enc",
        "family_name_enc",
        "date_of_birth_enc",
        "nhs_number_enc",
        "nhs_number_index",
        "name_dob_index",
        "identity_version",
        "identity_changed_in",
        "updated_at",
    ):
        setattr(person, field, getattr(locked, field))
    return person


def _identity_changed_since(person: Person, version: int) -> list[str]:
    """The identity fields a correction after ``version`` changed, in a fixed order."""
    changed_in = person.identity_changed_in or {}
    return [
        field
        for field in (*ident.ENCRYPTED_FIELDS, "kind")
        if int(changed_in.get(field, 1)) > version
    ]


def _update_identity(
    *,
    ref: str,
    actor: User | None,
    person: Person,
    given_name: str | _Unchanged,
    family_name: str | _Unchanged,
    date_of_birth: datetime.date | _Unchanged,
    nhs_number: str | None | _Unchanged,
    kind: str | _Unchanged,
) -> None:
    """Validate and apply a correction to the locked row; append its ledger entry."""
    current = ident.read_identity(person)
    if current.erased:
        raise ValidationError(
            {"person": ["This person's record cannot be read, so it cannot be corrected."]}
        )
    assert isinstance(current, ident.Identity)
    errors: dict[str, list[str]] = {}
    new_kind = person.kind if isinstance(kind, _Unchanged) else kind
    if new_kind not in PersonKind.values:
        errors["kind"] = ["Choose a kind of person from the list."]
    given = (
        current.given_name
        if isinstance(given_name, _Unchanged)
        else _clean_name(given_name, field="given_name", label="given name", errors=errors)
    )
    family = (
        current.family_name
        if isinstance(family_name, _Unchanged)
        else _clean_name(family_name, field="family_name", label="family name", errors=errors)
    )
    dob = (
        current.date_of_birth
        if isinstance(date_of_birth, _Unchanged)
        else _clean_date_of_birth(date_of_birth, errors=errors)
    )
    nhs = (
        current.nhs_number
        if isinstance(nhs_number, _Unchanged)
        else _clean_nhs_number(nhs_number, errors=errors)
    )
    _check_nhs_number_free(nhs, person=person, errors=errors)
    if errors:
        raise ValidationError(errors)
    assert dob is not None

    new = ident.Identity(given, family, dob, nhs)
    changed = [
        field for field in ident.ENCRYPTED_FIELDS if getattr(new, field) != getattr(current, field)
    ]
    if new_kind != person.kind:
        changed.append("kind")
    if not changed:
        return
    person.kind = str(new_kind)
    person.identity_version += 1
    person.identity_changed_in = {
        **(person.identity_changed_in or {}),
        **{field: person.identity_version for field in changed},
    }
    ident.seal_identity(
        person,
        ident.data_key(person),
        given_name=given,
        family_name=family,
        date_of_birth=dob,
        nhs_number=nhs,
    )
    _save_person(person)
    _append(
        kind=EntryKind.PERSON_UPDATED,
        actor_ref=ref,
        agency=actor.agency if actor is not None else None,
        person=person,
        payload={"fields": sorted(changed), "identity_version": person.identity_version},
    )


@transaction.atomic
def person_shred(
    *, actor: User | None, person: Person, reason: str, actor_ref: str | None = None
) -> Person:
    """Destroy the person's data key: every encrypted field becomes unreadable for good.

    Crypto-shredding (DESIGN "Retention"; UK GDPR Art 17 erasure, Art 5(1)(e)
    storage limitation). The blind indexes are cleared so the person can no
    longer be found; the row stays as a tombstone so relationships, decisions
    and the ledger keep pointing at something. The ledger entry records only
    the reason code.
    """
    ref = _actor_ref(actor, actor_ref)
    if reason not in ShredReason.values:
        raise ValidationError({"reason": ["Choose why this person's record is being erased."]})
    # Lock the row: two concurrent erasures must not both write a ledger entry.
    locked = Person.objects.select_for_update().get(pk=person.pk)
    _check_not_shredded(locked)
    locked.wrapped_key = None
    locked.nhs_number_index = None
    locked.name_dob_index = None
    locked.shredded_at = clock.now()
    locked.full_clean()
    locked.save(
        update_fields=[
            "wrapped_key",
            "nhs_number_index",
            "name_dob_index",
            "shredded_at",
            "updated_at",
        ]
    )
    _append(
        kind=EntryKind.PERSON_SHREDDED,
        actor_ref=ref,
        agency=actor.agency if actor is not None else None,
        person=locked,
        payload={"reason": str(reason)},
    )
    # Keep the caller's instance in step with the row.
    for field in ("wrapped_key", "nhs_number_index", "name_dob_index", "shredded_at"):
        setattr(person, field, getattr(locked, field))
    person.updated_at = locked.updated_at
    return person


# --- relationships ---------------------------------------------------------------------


@transaction.atomic
def relationship_record(
    *,
    actor: User | None,
    person: Person,
    related_person: Person,
    relationship_type: str,
    has_parental_responsibility: bool = False,
    started_on: datetime.date | None = None,
    actor_ref: str | None = None,
) -> Relationship:
    """Record that ``related_person`` is ``person``'s <relationship type>.

    Parental responsibility is held for a child only (Children Act 1989 s3,
    s105: a child is a person under 18); it decides who may consent for a
    child who cannot (Protocol App. 2 Q4).
    """
    ref = _actor_ref(actor, actor_ref)
    errors: dict[str, list[str]] = {}
    if person.pk == related_person.pk:
        errors["related_person"] = ["A person cannot be related to themselves."]
    for field, subject in (("person", person), ("related_person", related_person)):
        if subject.is_shredded:
            errors[field] = ["This person's record has been erased."]
    if relationship_type not in RelationshipType.values:
        errors["relationship_type"] = ["Choose the relationship from the list."]
    if has_parental_responsibility and person.kind != PersonKind.CHILD:
        errors["has_parental_responsibility"] = [
            "Parental responsibility is held for a child; this person is not recorded as a child."
        ]
    if started_on is not None and started_on > clock.today():
        errors["started_on"] = ["The start date must be today or in the past."]
    if (
        not errors
        and Relationship.objects.filter(
            person=person,
            related_person=related_person,
            relationship_type=relationship_type,
            ended_on__isnull=True,
        ).exists()
    ):
        errors["relationship_type"] = ["This relationship is already recorded."]
    if errors:
        raise ValidationError(errors)

    relationship = Relationship(
        person=person,
        related_person=related_person,
        relationship_type=str(relationship_type),
        has_parental_responsibility=bool(has_parental_responsibility),
        started_on=started_on,
    )
    relationship.full_clean()
    relationship.save()
    _append(
        kind=EntryKind.RELATIONSHIP_RECORDED,
        actor_ref=ref,
        agency=actor.agency if actor is not None else None,
        person=person,
        payload={
            "relationship": str(relationship.pk),
            "related_person": related_person.reference,
            "relationship_type": str(relationship_type),
            "has_parental_responsibility": relationship.has_parental_responsibility,
        },
    )
    return relationship


@transaction.atomic
def relationship_end(
    *,
    actor: User | None,
    relationship: Relationship,
    ended_on: datetime.date | None = None,
    actor_ref: str | None = None,
) -> Relationship:
    """Record that a relationship, or the parental responsibility it carried, has ended.

    Parental responsibility can end or pass by court order or adoption
    (Children Act 1989 ss4, 12, 14C; Adoption and Children Act 2002 s46); the
    ended row is kept and a changed relationship is recorded as a new one, so
    who could consent on a past date stays answerable (STYLE: state changes
    are new rows).
    """
    ref = _actor_ref(actor, actor_ref)
    locked = Relationship.objects.select_for_update().get(pk=relationship.pk)
    today = clock.today()
    end = today if ended_on is None else ended_on
    errors: dict[str, list[str]] = {}
    if locked.ended_on is not None:
        errors["ended_on"] = ["This relationship has already ended."]
    elif end > today:
        errors["ended_on"] = ["The end date must be today or in the past."]
    elif locked.started_on is not None and end < locked.started_on:
        errors["ended_on"] = ["The end date must be on or after the start date."]
    if errors:
        raise ValidationError(errors)
    locked.ended_on = end
    locked.full_clean()
    locked.save(update_fields=["ended_on", "updated_at"])
    _append(
        kind=EntryKind.RELATIONSHIP_ENDED,
        actor_ref=ref,
        agency=actor.agency if actor is not None else None,
        person=locked.person,
        payload={"relationship": str(locked.pk), "ended_on": end.isoformat()},
    )
    relationship.ended_on, relationship.updated_at = locked.ended_on, locked.updated_at
    return relationship


# --- involvements ----------------------------------------------------------------------


def _clean_reason(value: str, *, field: str, errors: dict) -> None:
    if len((value or "").strip()) > 200:
        errors[field] = ["The service or reason must be 200 characters or fewer."]


def _involvement_open(
    *, actor_ref: str, agency: Agency, person: Person, started_on: datetime.date, reason: str
) -> Involvement:
    involvement = Involvement(id=uuid.uuid4(), agency=agency, person=person, started_on=started_on)
    involvement.reason = reason
    involvement.full_clean()
    involvement.save()
    _append(
        kind=EntryKind.INVOLVEMENT_STARTED,
        actor_ref=actor_ref,
        agency=agency,
        person=person,
        # The reason is free text, so it stays out of the ledger.
        payload={"involvement": str(involvement.pk), "started_on": started_on.isoformat()},
    )
    return involvement


@transaction.atomic
def involvement_start(
    *,
    actor: User | None,
    agency: Agency,
    person: Person,
    started_on: datetime.date | None = None,
    reason: str = "",
    actor_ref: str | None = None,
) -> Involvement:
    """Record that an agency starts working with a person, bringing them into its scope.

    One open involvement per agency and person; a person whose record is
    erased cannot gain new involvements (DESIGN "Access": scope follows
    involvement).
    """
    ref = _actor_ref(actor, actor_ref)
    _check_actor_agency(actor, agency)
    errors: dict[str, list[str]] = {}
    if person.is_shredded:
        errors["person"] = ["This person's record has been erased."]
    start = _clean_start(started_on, field="started_on", errors=errors)
    _clean_reason(reason, field="reason", errors=errors)
    if (
        "person" not in errors
        and Involvement.objects.filter(agency=agency, person=person, ended_on__isnull=True).exists()
    ):
        errors["agency"] = ["This agency is already working with this person."]
    if errors:
        raise ValidationError(errors)
    return _involvement_open(
        actor_ref=ref, agency=agency, person=person, started_on=start, reason=reason.strip()
    )


@transaction.atomic
def involvement_end(
    *,
    actor: User | None,
    involvement: Involvement,
    ended_on: datetime.date | None = None,
    actor_ref: str | None = None,
) -> Involvement:
    """Record that an agency has stopped working with a person; its scope ends with it."""
    ref = _actor_ref(actor, actor_ref)
    _check_actor_agency(actor, involvement.agency)
    locked = Involvement.objects.select_for_update().get(pk=involvement.pk)
    today = clock.today()
    end = today if ended_on is None else ended_on
    errors: dict[str, list[str]] = {}
    if locked.ended_on is not None:
        errors["ended_on"] = ["This involvement has already ended."]
    elif end > today:
        errors["ended_on"] = ["The end date must be today or in the past."]
    elif end < locked.started_on:
        errors["ended_on"] = ["The end date must be on or after the start date."]
    if errors:
        raise ValidationError(errors)
    locked.ended_on = end
    locked.full_clean()
    locked.save(update_fields=["ended_on", "updated_at"])
    _append(
        kind=EntryKind.INVOLVEMENT_ENDED,
        actor_ref=ref,
        agency=locked.agency,
        person=locked.person,
        payload={"involvement": str(locked.pk), "ended_on": end.isoformat()},
    )
    involvement.ended_on, involvement.updated_at = locked.ended_on, locked.updated_at
    return involvement
