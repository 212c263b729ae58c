"""The recipient's decision on continued use after consent was withdrawn (issue #5 item 4)."""

from django import forms

from safeshare.exchange.models import ContinuedUseDecision
from safeshare.ui.forms import GovukForm


class ContinuedUseForm(GovukForm):
    decision = forms.ChoiceField(
        label="What will your agency do with the information it received?",
        choices=ContinuedUseDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what your agency will do with the information"},
    )
    reasons = forms.CharField(
        label="Why has your agency decided this?",
        help_text="For example, the other lawful basis you rely on, or how the information "
        "is restricted.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the reasons for your decision"},
    )
