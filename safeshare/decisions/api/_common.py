"""What the decisions API's operations share: field limits, the text of a sealed field,
and a refusal naming a field of the body."""

from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field

TEXT = Field(default="", max_length=10_000)
CODE = Field(default="", max_length=60)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})
