"""Model validation for a new row, without the database round trips.

Django's ``Model.full_clean`` asks the database about things the service has
in hand: each foreign key's row (``SELECT 1 … WHERE id = …``), each fresh
primary key's uniqueness, and each ``CheckConstraint`` (a ``SELECT`` inside
its own savepoint). On the busiest writes (a decision, a share and its items)
that was three quarters of the time (docs/performance.md). ``validate_new``
gives the same verdicts from memory:

- field checks as ``clean_fields``, skipping a foreign key whose related row
  was loaded from the database (the foreign-key constraint still holds it);
- the model's own ``clean``;
- each ``CheckConstraint`` evaluated in Python with SQL's three-valued logic
  (a constraint passes when its condition is true or unknown, as the database
  decides it). A condition using anything beyond plain field lookups
  (``exact``, ``in``, ``isnull``, ``gt``, ``gte``, ``lt``, ``lte``) against
  values or ``F()`` references to fields of the same row is handed to
  Django's own check instead, so nothing is ever skipped;
- uniqueness is left to the database's unique constraints and indexes.

Equivalence with Django's checks is tested for every check constraint of
every safeshare model (core/tests/test_validation.py).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q

UNKNOWN = None  # SQL NULL: neither true nor false


class Unsupported(Exception):
    """The condition needs the database to evaluate it."""


def _compare(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool | None]:
    def compare(left: Any, right: Any) -> bool | None:
        if left is None or right is None:
            return UNKNOWN
        return op(left, right)

    return compare


def _in(left: Any, right: Any) -> bool | None:
    if left is None:
        return UNKNOWN
    values = list(right)
    if left in values:
        return True
    return UNKNOWN if any(v is None for v in values) else False


_LOOKUPS: dict[str, Callable[[Any, Any], bool | None]] = {
    "exact": _compare(operator.eq),
    "gt": _compare(operator.gt),
    "gte": _compare(operator.ge),
    "lt": _compare(operator.lt),
    "lte": _compare(operator.le),
    "in": _in,
}


def _value(instance: models.Model, name: str) -> Any:
    try:
        field = instance._meta.get_field(name)
    except Exception as error:  # FieldDoesNotExist: a lookup across a relation
        raise Unsupported(name) from error
    if not isinstance(field, models.Field) or not field.concrete or field.many_to_many:
        raise Unsupported(name)  # a reverse relation, or no column of this row
    return getattr(instance, field.attname)


def _operand(instance: models.Model, value: Any) -> Any:
    if isinstance(value, F):
        return _value(instance, value.name)  # type: ignore[attr-defined]  # django-stubs omit F.name
    if hasattr(value, "resolve_expression"):
        raise Unsupported(repr(value))
    if isinstance(value, models.Model):
        return value.pk
    return value


def _lookup(instance: models.Model, key: str, value: Any) -> bool | None:
    name, _, lookup = key.partition("__")
    lookup = lookup or "exact"
    left = _value(instance, name)
    if lookup == "isnull":
        if not isinstance(value, bool):
            raise Unsupported(key)
        return (left is None) == value
    if lookup not in _LOOKUPS:
        raise Unsupported(key)
    right = _operand(instance, value)
    if lookup == "exact" and right is None:
        return left is None  # Django turns field=None into IS NULL
    if lookup == "in":
        if isinstance(right, str | bytes) or not isinstance(right, Iterable):
            raise Unsupported(key)
        right = [_operand(instance, v) for v in right]
    return _LOOKUPS[lookup](left, right)


def evaluate(condition: Q, instance: models.Model) -> bool | None:
    """A Q condition over one row: True, False, or None (unknown), as SQL would say."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(evaluate(child, instance))
        elif isinstance(child, tuple) and len(child) == 2:
            results.append(_lookup(instance, *child))
        else:
            raise Unsupported(repr(child))
    if condition.connector == Q.AND:
        result = False if False in results else (UNKNOWN if UNKNOWN in results else True)
    elif condition.connector == Q.OR:
        result = True if True in results else (UNKNOWN if UNKNOWN in results else False)
    else:
        raise Unsupported(condition.connector)
    if condition.negated and result is not UNKNOWN:
        result = not result
    return result


def _check_constraints(
    instance: models.Model, exclude: set[str]
) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}
    model = type(instance)
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue  # uniqueness: the database's own constraint
        condition = constraint.condition
        try:
            if not isinstance(condition, Q):
                raise Unsupported(repr(condition))  # an expression: the database answers
            passed = evaluate(condition, instance) is not False
        except Unsupported:
            try:
                constraint.validate(model, instance, exclude=exclude)
            except ValidationError as error:
                errors.setdefault(NON_FIELD_ERRORS, []).extend(error.error_list)
            continue
        if not passed:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                ValidationError(
                    constraint.get_violation_error_message(),
                    code=constraint.violation_error_code,
                )
            )
    return errors


def validate_new(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """``full_clean`` for a row about to be inserted, answered from memory (see above).

    Raises the same ``ValidationError`` (field errors, then ``clean``'s, then
    the check constraints') that ``full_clean`` would.
    """
    excluded = set(exclude)
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.ForeignObject) and field.is_cached(instance):
            related = field.get_cached_value(instance)
            if related is not None and not related._state.adding:
                excluded.add(field.name)  # loaded from the database: it exists
    errors: dict[str, list[ValidationError]] = {}
    try:
        instance.clean_fields(exclude=excluded)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for name, messages in _check_constraints(instance, set(exclude)).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
