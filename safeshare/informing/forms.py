"""Forms for informing the child or family (GOV.UK fields; the service validates the rules)."""

from django import forms

from safeshare.informing.models import (
    InformedMethod,
    NotInformedReason,
    SubjectNotificationOutcome,
)
from safeshare.ui.forms import GovukDateField, GovukForm


class SubjectOutcomeForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Has the child or family been told that the information was shared?",
        choices=SubjectNotificationOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the child or family was told"},
    )


class SubjectInformedForm(GovukForm):
    informed_on = GovukDateField(label="When were they told?", help_text="For example, 27 3 2025")
    method = forms.ChoiceField(
        label="How were they told?",
        choices=InformedMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they were told"},
    )
    told_person_id = forms.ChoiceField(
        label="Who was told?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select who was told"},
    )
    informed_by_id = forms.ChoiceField(
        label="Who told them?",
        error_messages={"required": "Select who told them"},
    )
    backdating_reason = forms.ChoiceField(
        label="If they were told before today, why is it recorded only now?",
        required=False,
    )
    backdating_explanation = forms.CharField(
        label="Explain the reason, if it asks you to",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, people=(), colleagues=(), backdating_reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["told_person_id"].choices = list(people)
        self.fields["informed_by_id"].choices = list(colleagues)
        self.fields["backdating_reason"].choices = [("", "Told today")] + list(backdating_reasons)


class SubjectNotInformedForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why were they not told?",
        choices=NotInformedReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why they were not told"},
    )
    reason_other = forms.CharField(
        label="If another reason, explain it",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
