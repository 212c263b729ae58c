"""Form helpers so every page shows errors the GOV.UK way.

Pages render fields through `web/fields.html` (which calls the GOV.UK
macros); forms built on `GovukForm` carry errors that name the field, and
service `ValidationError`s land beside the field they name.

Every field of every such form follows the text rule of `core.cleaning`:
invisible formatting characters are removed from what was posted before the
form is cleaned (not from passwords, which are compared exactly and never
shown), and a field holding a control character gets that error alone (tab
and new lines are allowed in text areas only).
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.datastructures import MultiValueDict

from safeshare.core.cleaning import (
    CONTROL_CHARACTER,
    control_character_message,
    has_control_characters,
    without_invisible,
)


def _visible(value: Any) -> Any:
    return without_invisible(value) if isinstance(value, str) else value


def without_invisible_data(data: Any, *, keep: Iterable[str] = ()) -> Any:
    """Posted data with invisible formatting removed from every value but those named."""
    keep = frozenset(keep)
    if isinstance(data, MultiValueDict):
        copy = data.copy()
        for key, values in data.lists():
            if key not in keep:
                copy.setlist(key, [_visible(value) for value in values])
        return copy
    if isinstance(data, Mapping):
        return {key: value if key in keep else _visible(value) for key, value in data.items()}
    return data


def _texts(value: Any) -> list[str]:
    """The strings a widget gave for one field (one, a list, or a date's parts)."""
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    return [value] if isinstance(value, str) else []


class GovukFormMixin:
    """Plain labels, and service errors placed beside their fields."""

    label_suffix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:  # type: ignore[attr-defined]
            secrets = [
                self.add_prefix(name)  # type: ignore[attr-defined]
                for name, field in self.fields.items()  # type: ignore[attr-defined]
                if isinstance(field.widget, forms.PasswordInput)
            ]
            self.data = without_invisible_data(self.data, keep=secrets)  # type: ignore[has-type]

    def full_clean(self) -> None:
        """Django's cleaning, then the text rule: a field with a control character has
        that error only, and no cleaned value."""
        super().full_clean()  # type: ignore[misc]
        if not self.is_bound:  # type: ignore[attr-defined]
            return
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if field.disabled:
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            texts = _texts(self[name].data)  # type: ignore[index]
            if any(has_control_characters(text, multiline=multiline) for text in texts):
                label = str(field.label or name.replace("_", " "))
                self._errors.pop(name, None)  # type: ignore[attr-defined]
                self.add_error(  # type: ignore[attr-defined]
                    name,
                    ValidationError(
                        control_character_message(label, multiline=multiline),
                        code=CONTROL_CHARACTER,
                    ),
                )

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's `{field: [message]}` errors on this form.

        Errors naming a field the form does not have go to the top of the
        error summary, so no message is ever lost.
        """
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)  # type: ignore[attr-defined]
            return
        for field, errors in error.message_dict.items():
            target = field if field in self.fields else None  # type: ignore[attr-defined]
            for message in errors:
                if target is None and field != NON_FIELD_ERRORS:
                    self.add_error(None, message)  # type: ignore[attr-defined]
                else:
                    self.add_error(target, message)  # type: ignore[attr-defined]

    def error_summary_items(self) -> list[dict[str, str]]:
        return error_summary_items(self)  # type: ignore[arg-type]

    # What the field macros in web/fields.html ask of a form.

    def govuk_error(self, name: str) -> dict[str, str] | None:
        errors = self.errors.get(name)  # type: ignore[attr-defined]
        return {"text": " ".join(str(e) for e in errors)} if errors else None

    def govuk_value(self, name: str) -> Any:
        value = self[name].value()  # type: ignore[index]
        return "" if value is None else value

    def govuk_choice_items(self, name: str, selected_key: str) -> list[dict[str, Any]]:
        bound = self[name]  # type: ignore[index]
        value = bound.value()
        chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
        return [
            {"value": choice, "text": str(text), selected_key: str(choice) in chosen}
            for choice, text in bound.field.choices
        ]

    def govuk_date_items(self, name: str) -> list[dict[str, Any]]:
        bound = self[name]  # type: ignore[index]
        value = bound.value()
        if isinstance(value, dict):
            parts = value
        else:
            day, month, year = DateInputWidget().decompress(value)
            parts = {"day": day, "month": month, "year": year}
        error = " govuk-input--error" if bound.errors else ""
        widths = {"day": 2, "month": 2, "year": 4}
        return [
            {
                "name": part,
                "label": part.capitalize(),
                "value": "" if parts.get(part) is None else parts[part],
                "classes": f"govuk-input--width-{widths[part]}{error}",
                "inputmode": "numeric",
            }
            for part in DATE_PARTS
        ]


class GovukForm(GovukFormMixin, forms.Form):
    pass


class DateInputWidget(forms.MultiWidget):
    """Day, month and year boxes (GOV.UK date input) posted as NAME-day etc."""

    template_name = ""  # rendered by the `date` field macro, never by Django

    def __init__(self, attrs: dict | None = None) -> None:
        widgets = {
            "-day": forms.TextInput(),
            "-month": forms.TextInput(),
            "-year": forms.TextInput(),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        day, month, year = (data.get(f"{name}-{part}", "").strip() for part in DATE_PARTS)
        if not (day or month or year):
            return None
        return {"day": day, "month": month, "year": year}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}-{part}" in data for part in DATE_PARTS)


DATE_PARTS = ("day", "month", "year")


class GovukDateField(forms.Field):
    """A date typed as three numbers, with the GOV.UK error messages."""

    widget = DateInputWidget
    default_error_messages = {
        "required": "Enter the date",
        "incomplete": "The date must include a day, month and year",
        "invalid": "The date must be a real date",
    }

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        parts = [value.get(part, "") for part in DATE_PARTS]
        if not all(parts):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError
            return datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def error_summary_items(form: forms.BaseForm) -> list[dict[str, str]]:
    """Each error once, linked to the box it is about (non-field errors unlinked)."""
    items = [{"text": str(message)} for message in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS:
            continue
        bound = form[name]
        anchor = bound.id_for_label
        if isinstance(bound.field, GovukDateField):
            anchor = f"{bound.auto_id}-day"
        elif isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            anchor = bound.auto_id
        for message in errors:
            items.append({"text": str(message), "href": f"#{anchor}"})
    return items
