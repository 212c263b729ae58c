"""Checks every service makes of free text and closed-list codes, naming field and rule.

The one rule for text, wherever it comes from (an API body at any depth or a
query value, a page's form field, a service called from the command line):

- **Control characters are refused**, naming the field: C0 (U+0000 to
  U+001F, NUL included: PostgreSQL cannot store it), DEL and C1 (U+007F to
  U+009F), and lone surrogates (U+D800 to U+DFFF, which no database encoding
  can store). Tab, line feed and carriage return are allowed in multi-line
  text: a page's text area, and every API string (JSON carries a text area's
  value and the API cannot tell which field a client typed it in).
- **Invisible formatting characters are removed**, before any other check:
  the bidirectional embeddings, overrides and isolates (U+202A to U+202E,
  U+2066 to U+2069), which can make a record read differently from what it
  holds ("Trojan Source"), and the zero-width space, word joiner and byte
  order mark (U+200B, U+2060, U+FEFF), which pasting from documents and web
  pages brings in unseen. Removing rather than refusing them spares the user
  an error about a character they cannot see; nothing readable is lost.
  The zero-width non-joiner and joiner (U+200C, U+200D) are kept: they are
  spelling in Persian, Arabic, Indic scripts and emoji, so names need them.
  The implicit direction marks (U+200E, U+200F) are kept too: right-to-left
  text needs them and they cannot reorder what follows them.
"""

import re
from typing import Any

from django.db.models import Choices

from safeshare.core.errors import Errors, add_error

TEXT_MAX = 5000

CONTROL_CHARACTER = "control_character"
# Characters removed from all text (see the module docstring).
INVISIBLE_CHARACTERS = "\u200b\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_REMOVE_INVISIBLE = str.maketrans(dict.fromkeys(INVISIBLE_CHARACTERS))
_CONTROL_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def without_invisible(text: str) -> str:
    """`text` with the invisible formatting characters removed (idempotent)."""
    return text.translate(_REMOVE_INVISIBLE)


def has_control_characters(text: str, *, multiline: bool) -> bool:
    """Whether `text` holds a character the text rule refuses (tab, LF and CR are
    allowed only in multi-line text)."""
    pattern = _CONTROL_MULTI_LINE if multiline else _CONTROL_SINGLE_LINE
    return pattern.search(text) is not None


def control_character_message(label: str, *, multiline: bool) -> str:
    """The refusal, naming what the text is but never quoting it."""
    allowed = " Only tabs and new lines are allowed." if multiline else ""
    return (
        f"{label[:1].upper()}{label[1:]} must not contain control characters, "
        f"such as a null byte.{allowed}"
    )


def clean_text(
    value: Any,
    *,
    field: str,
    label: str,
    errors: Errors,
    required: bool = True,
    max_length: int = TEXT_MAX,
) -> str:
    """Free text (multi-line), stripped of surrounding space and invisible formatting:
    required unless told otherwise, at most `max_length` characters, no control
    characters but tab and new lines."""
    if value is not None and not isinstance(value, str):
        add_error(errors, field, f"Enter {label} as text.", "text_required")
        return ""
    text = without_invisible(value or "").strip()
    if has_control_characters(text, multiline=True):
        add_error(
            errors, field, control_character_message(label, multiline=True), CONTROL_CHARACTER
        )
        return ""
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


def clean_choice(
    value: Any, choices: type[Choices], *, field: str, label: str, errors: Errors
) -> str:
    """A code from a closed list (a TextChoices class), else "" and an error."""
    if value not in choices.values:
        add_error(errors, field, f"Choose {label} from the list.", "choice_unknown")
        return ""
    return str(value)
