"""Forms for finding and recording people (GOV.UK fields; services validate the rules)."""

from django import forms

from safeshare.people.models import PersonKind
from safeshare.ui.forms import GovukDateField, GovukForm


class PersonFindForm(GovukForm):
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=20)
    given_name = forms.CharField(label="Given name", required=False, max_length=200)
    family_name = forms.CharField(label="Family name", required=False, max_length=200)
    date_of_birth = GovukDateField(label="Date of birth", required=False)


class PersonAddForm(GovukForm):
    kind = forms.ChoiceField(
        label="Who is this person?",
        choices=PersonKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who this person is"},
    )
    given_name = forms.CharField(
        label="Given name", max_length=200, error_messages={"required": "Enter the given name"}
    )
    family_name = forms.CharField(
        label="Family name", max_length=200, error_messages={"required": "Enter the family name"}
    )
    date_of_birth = GovukDateField(
        label="Date of birth", error_messages={"required": "Enter the date of birth"}
    )
    nhs_number = forms.CharField(label="NHS number (if known)", required=False, max_length=20)
