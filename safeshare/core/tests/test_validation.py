"""validate_new gives the verdicts Django's full_clean gets from the database."""

import datetime
import itertools
import uuid

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from safeshare.agencies.tests.factories import staff
from safeshare.core.validation import Unsupported, evaluate, validate_new
from safeshare.decisions.models import Decision
from safeshare.exchange.models import ShareItem

EARLY = datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC)
LATE = datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC)
SAME_ID = uuid.UUID(int=1)
OTHER_ID = uuid.UUID(int=2)


def _candidates(field: models.Field) -> list:
    """Values that reach every branch of a condition over this field."""
    values: list = [None] if field.null else []
    if field.choices:
        return values + [c[0] for c in field.choices][:3] + ["not-a-choice", ""]
    if isinstance(field, models.BooleanField):
        return values + [True, False]
    if field.is_relation or isinstance(field, models.UUIDField):
        return values + [SAME_ID, OTHER_ID]
    if isinstance(field, models.DateTimeField):
        return values + [EARLY, LATE]
    if isinstance(field, models.DateField):
        return values + [EARLY.date(), LATE.date()]
    if isinstance(field, models.BinaryField):
        return values + [b"sealed"]
    if isinstance(field, models.IntegerField):
        return values + [0, 1]
    return values + ["", "text"]


def _fields_of(condition: Q, model) -> set[str]:
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _fields_of(child, model)
        else:
            key, value = child
            names.add(key.split("__")[0])
            if isinstance(value, F):
                names.add(value.name)
    return names


def _check_constraints():
    for model in apps.get_models():
        if not model.__module__.startswith("safeshare."):
            continue
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                yield pytest.param(model, constraint, id=constraint.name)


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "constraint"), list(_check_constraints()))
def test_every_check_constraint_gets_the_databases_verdict(model, constraint):
    names = sorted(_fields_of(constraint.condition, model))
    fields = [model._meta.get_field(name) for name in names]
    combinations = list(itertools.product(*(_candidates(f) for f in fields)))[:400]
    assert combinations
    for values in combinations:
        instance = model()
        for field, value in zip(fields, values, strict=True):
            setattr(instance, field.attname, value)
        try:
            ours = evaluate(constraint.condition, instance) is not False
        except Unsupported:
            pytest.fail(f"{constraint.name} is not evaluated in memory")
        try:
            constraint.validate(model, instance)
            databases = True
        except ValidationError:
            databases = False
        assert ours == databases, (constraint.name, dict(zip(names, values, strict=True)))


def test_three_valued_logic_treats_unknown_as_sql_does():
    row = ShareItem(protected_identity_disclosed=None, protected_role="")
    assert evaluate(Q(protected_identity_disclosed=True), row) is None
    assert evaluate(~Q(protected_identity_disclosed=True), row) is None
    assert evaluate(Q(protected_identity_disclosed=True) | Q(protected_role=""), row) is True
    assert evaluate(Q(protected_identity_disclosed=True) & Q(protected_role="x"), row) is False
    assert evaluate(Q(position__in=[1, None]), ShareItem(position=2)) is None


def test_lookups_across_relations_or_expressions_are_left_to_the_database():
    with pytest.raises(Unsupported):
        evaluate(Q(share__kind="exchange"), ShareItem())
    with pytest.raises(Unsupported):
        evaluate(Q(position__gt=F("position") + 1), ShareItem(position=1))
    with pytest.raises(Unsupported):
        evaluate(Q(category__startswith="e"), ShareItem(category="education"))


@pytest.mark.django_db
def test_a_broken_row_is_refused_with_the_constraint_message_and_no_query(
    django_assert_num_queries,
):
    author = staff("practitioner")
    decision = Decision(
        agency=author.agency,
        decided_by=author,
        decided_at=EARLY,
        anonymised=True,
        outcome="share",
        recommendation="share",
        recommendation_explanation="Share",
        consent_state="not_applicable",
        lawful_basis="",
        pack_id="p",
        pack_version="1",
        purpose_enc=b"x",
        rationale_enc=b"x",
        information_considered_enc=b"x",
    )
    with django_assert_num_queries(0), pytest.raises(ValidationError) as raised:
        validate_new(decision)
    messages = raised.value.message_dict["__all__"]
    assert any("decision_share_has_lawful_basis" in m for m in messages), messages

    decision.lawful_basis = "public_task"
    with django_assert_num_queries(0):
        validate_new(decision)


@pytest.mark.django_db
def test_field_errors_are_named_as_full_clean_names_them():
    author = staff("practitioner")
    decision = Decision(agency=author.agency, decided_by=author, outcome="share")
    with pytest.raises(ValidationError) as ours:
        validate_new(decision)
    with pytest.raises(ValidationError) as djangos:
        decision.full_clean()
    assert set(ours.value.message_dict) == set(djangos.value.message_dict)
