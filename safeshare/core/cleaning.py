"""Checks every service makes of free text and closed-list codes, naming field and rule."""

from typing import Any

from safeshare.core.errors import Errors, add_error

TEXT_MAX = 5000


def clean_text(
    value: Any,
    *,
    field: str,
    label: str,
    errors: Errors,
    required: bool = True,
    max_length: int = TEXT_MAX,
) -> str:
    """Free text, stripped: required unless told otherwise, at most `max_length` characters."""
    if value is not None and not isinstance(value, str):
        add_error(errors, field, f"Enter {label} as text.", "text_required")
        return ""
    text = (value or "").strip()
    if required and not text:
        add_error(errors, field, f"Enter {label}.", "required")
    elif len(text) > max_length:
        add_error(
            errors,
            field,
            f"{label.capitalize()} must be {max_length} characters or fewer.",
            "too_long",
        )
    return text


def clean_choice(value: Any, choices: type, *, field: str, label: str, errors: Errors) -> str:
    """A code from a closed list (a TextChoices class), else "" and an error."""
    if value not in choices.values:
        add_error(errors, field, f"Choose {label} from the list.", "choice_unknown")
        return ""
    return str(value)
