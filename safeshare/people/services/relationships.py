"""Writes to relationships: who is a person's parent, carer or relative, and whether
they hold parental responsibility."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from safeshare.core import clock
from safeshare.ledger.kinds import EntryKind

from ..models import Person, PersonKind, Relationship, RelationshipType
from ._common import _actor_ref, _append

if TYPE_CHECKING:
    from safeshare.agencies.models import User


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
