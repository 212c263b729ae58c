"""Field templates: the GOV.UK macros, fed by Django forms (STYLE §5)."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import engines

from safeshare.ui.forms import GovukDateField, GovukForm

TEMPLATE = """{% import "web/fields.html" as fields %}
{{ fields.error_summary(form) }}
{{ fields.field(form, "name") }}
{{ fields.radios(form, "colour") }}
{{ fields.checkboxes(form, "days") }}
{{ fields.date(form, "born") }}
{{ fields.textarea(form, "notes") }}
{{ fields.select(form, "size") }}
"""


class ExampleForm(GovukForm):
    name = forms.CharField(label="Full name", error_messages={"required": "Enter a full name"})
    colour = forms.ChoiceField(
        choices=[("red", "Red"), ("blue", "Blue")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select a colour"},
    )
    days = forms.MultipleChoiceField(
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    born = GovukDateField(label="Date of birth")
    notes = forms.CharField(widget=forms.Textarea, required=False)
    size = forms.ChoiceField(choices=[("s", "Small"), ("l", "Large")], required=False)


def render(form) -> str:
    return engines["jinja2"].from_string(TEMPLATE).render({"form": form})


def test_error_summary_links_each_message_to_its_field():
    form = ExampleForm(data={"born-day": "31", "born-month": "2", "born-year": "2020"})
    assert not form.is_valid()
    html = render(form)
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_name">Enter a full name</a>' in html
    assert '<a href="#id_colour">Select a colour</a>' in html
    assert '<a href="#id_born-day">The date must be a real date</a>' in html
    # Each message also sits beside its field.
    assert html.count("govuk-error-message") == 3
    assert 'id="id_colour"' in html and 'id="id_born-day"' in html
    assert 'value="31"' in html


def test_no_error_summary_without_errors():
    form = ExampleForm(initial={"born": datetime.date(2015, 6, 9), "colour": "blue"})
    html = render(form)
    assert "govuk-error-summary" not in html
    assert 'name="born-year" type="text" value="2015"' in html
    assert 'value="blue" checked' in html


def test_values_typed_are_kept_when_the_page_shows_errors():
    form = ExampleForm(data={"name": "Sam Example", "colour": "red", "days": ["tue"]})
    assert not form.is_valid()
    html = render(form)
    assert 'value="Sam Example"' in html
    assert 'value="red" checked' in html
    assert 'value="tue" checked' in html
    assert 'value="mon" checked' not in html


def test_date_field_reads_three_boxes():
    form = ExampleForm(
        data={"name": "A", "colour": "red", "born-day": "9", "born-month": "6", "born-year": "2015"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == datetime.date(2015, 6, 9)


@pytest.mark.parametrize(
    "day,month,year,message",
    [
        ("", "6", "2015", "The date must include a day, month and year"),
        ("x", "6", "2015", "The date must be a real date"),
        ("1", "13", "2015", "The date must be a real date"),
        ("", "", "", "Enter the date"),
    ],
)
def test_date_field_names_what_is_wrong(day, month, year, message):
    form = ExampleForm(data={"born-day": day, "born-month": month, "born-year": year})
    assert not form.is_valid()
    assert form.errors["born"] == [message]


def test_service_errors_land_beside_the_field_they_name():
    form = ExampleForm(data={"name": "A", "colour": "red"})
    form.is_valid()
    form.add_service_errors(
        ValidationError({"name": ["Name is taken"], "elsewhere": ["Something else is wrong"]})
    )
    items = form.error_summary_items()
    assert {"text": "Name is taken", "href": "#id_name"} in items
    assert {"text": "Something else is wrong"} in items
