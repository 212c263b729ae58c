"""Forms for the consent pages (GOV.UK fields; the services validate the rules).

Fields carry the services' names (`given_by_id`, `given_at`, `review_on`...) so a
service error lands beside the box it is about. A moment is a date and an
optional time: without a time, today means now and an earlier day means midday.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeshare.agencies.models import AgencyType
from safeshare.consent.models import (
    CapacityConclusion,
    ConflictOutcome,
    ConsentDecision,
    ConsentMethod,
    ItemCategory,
    NoticeMethod,
    RecipientPurpose,
    SharingPurpose,
)
from safeshare.core import clock
from safeshare.ui.forms import GovukDateField, GovukForm

TEXT_MAX = 5000
Q4 = "Protocol Appendix 2, question 4"

EXPLAINED = [
    ("explained_information", "What information will be shared"),
    ("explained_purposes", "Why it will be shared"),
    ("explained_recipients", "Who it will be shared with"),
    ("explained_recipient_purposes", "What the recipients may use it for"),
]
AFFIRMED = [
    ("freely_given", "Freely given: they were not pressured and knew they could say no"),
    ("informed", "Informed: they understood what they agreed to"),
    ("explicit", "Explicit: they said clearly that they agree"),
]


def time_field(label: str = "Time (optional)") -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=["%H:%M", "%H.%M"],
        help_text="For example, 14:30. Leave blank if you do not know.",
        error_messages={"invalid": "Enter the time as hours and minutes, for example 14:30"},
    )


def moment(day: datetime.date | None, time: datetime.time | None) -> datetime.datetime | None:
    """The date and time as an aware moment; no time means now today, midday before."""
    if day is None:
        return None
    if time is None:
        now = clock.now()
        if day == timezone.localdate(now):
            return now
        time = datetime.time(12, 0)
    return timezone.make_aware(datetime.datetime.combine(day, time))


class MomentsMixin:
    """Joins each date field named in `moments` with its `<name>_time` into one moment."""

    moments: tuple[str, ...] = ()

    def clean(self):
        data = super().clean()  # type: ignore[misc]
        for name in self.moments:
            if data.get(name) is not None:
                data[name] = moment(data[name], data.get(f"{name}_time"))
        return data


def _textarea(label: str, help_text: str = "", required: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
        **kwargs,
    )


def _checkboxes(label: str, choices=(), help_text: str = "", **kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


def _date(label: str, required_message: str) -> GovukDateField:
    return GovukDateField(
        label=label,
        help_text="For example, 27 3 2026",
        error_messages={"required": required_message},
    )


def _told_how() -> forms.ChoiceField:
    return _radios(
        "How did they tell you?",
        ConsentMethod.choices,
        error_messages={"required": "Select how they told you"},
    )


def _radios(label: str, choices=(), help_text: str = "", **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        help_text=help_text,
        widget=forms.RadioSelect,
        **kwargs,
    )


class ConsentDecisionForm(GovukForm):
    decision = _radios(
        "Did they give or refuse consent?",
        ConsentDecision.choices,
        error_messages={"required": "Select whether they gave or refused consent"},
    )


class ConsentForm(MomentsMixin, GovukForm):
    """A consent or a refusal, recorded equally fully (issue #5 item 1)."""

    moments = ("given_at",)

    given_by_id = _radios(
        "Who decided?",
        help_text=f"The child, or a person with parental responsibility for them ({Q4}).",
        error_messages={"required": "Select who decided"},
    )
    capacity_assessment_id = _radios(
        "Which capacity assessment do you rely on?",
        required=False,
        help_text=(
            "A child under 16 can decide only after a recorded assessment that they can "
            "understand and decide; a young person of 16 or 17 is presumed able. A parent "
            f"assessed as lacking capacity cannot consent ({Q4})."
        ),
    )
    given_at = _date("When did they decide?", "Enter the date they decided")
    given_at_time = time_field()
    method = _told_how()
    categories = _checkboxes(
        "Which information is it about?",
        ItemCategory.choices,
        f"Select all that apply: the first thing to explain ({Q4}).",
    )
    purposes = _checkboxes(
        "For which purposes?",
        SharingPurpose.choices,
        "Why your agency would share it. Select all that apply.",
    )
    recipient_agencies = _checkboxes(
        "Which agencies may receive it?",
        help_text="Name agencies here, or kinds of agency below, or both.",
    )
    recipient_agency_types = _checkboxes("Which kinds of agency?", AgencyType.choices)
    recipient_purposes = _checkboxes(
        "What may the recipients use it for?",
        RecipientPurpose.choices,
        "Their own purposes, including the prevention or detection of crime "
        f"if the police may receive it ({Q4}).",
    )
    explained = _checkboxes(
        "What did you explain to them?",
        EXPLAINED,
        "Consent is informed only when you explained all four (" + Q4 + ").",
    )
    affirmed = _checkboxes(
        "Was the consent freely given, informed and explicit?",
        AFFIRMED,
        f"Consent counts only if all three are true ({Q4}).",
    )
    evidence = _textarea(
        "Evidence (optional)",
        "For example, where the signed form is kept, or who was present when they agreed.",
    )
    reasons = _textarea(
        "Their reasons (optional)",
        "Only if they gave any. Their wishes are respected where possible (golden rule 4).",
    )
    review_on = GovukDateField(
        label="When will you review it with them?",
        required=False,
        help_text="Within two years. Consent past its review date cannot be relied on.",
    )
    expires_on = GovukDateField(
        label="When does it end? (optional)",
        required=False,
        help_text="Leave blank if they did not set an end date.",
    )

    SERVICE_FIELDS = {
        "giver_role": "given_by_id",
        **{name: "explained" for name, _ in EXPLAINED},
        **{name: "affirmed" for name, _ in AFFIRMED},
    }

    def __init__(self, *args, decision: str, givers=(), assessments=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_by_id"].choices = list(givers)
        self.fields["recipient_agencies"].choices = list(agencies)
        if assessments:
            self.fields["capacity_assessment_id"].choices = [
                ("", "None chosen: use the latest assessment of the person who decided"),
                *assessments,
            ]
        else:
            del self.fields["capacity_assessment_id"]
        if decision == ConsentDecision.GIVEN:
            del self.fields["reasons"]
        else:
            del self.fields["affirmed"]
            self.fields["explained"].help_text = "Select all that apply."
            self.fields["recipient_purposes"].label = "Which of the recipients' purposes?"
            self.fields["recipient_purposes"].help_text = "Select all the refusal is about."
            self.fields["review_on"].label = "When will you ask them again? (optional)"
            self.fields["review_on"].help_text = "Within two years."

    def flags(self) -> dict[str, bool]:
        """The four things explained and the three affirmations, as the service takes them."""
        explained = set(self.cleaned_data["explained"])
        affirmed = set(self.cleaned_data.get("affirmed", ()))
        flags = {name: name in explained for name, _ in EXPLAINED}
        flags.update({name: name in affirmed for name, _ in AFFIRMED})
        return flags

    def add_service_errors(self, error: ValidationError) -> None:
        """The service names each of the seven yes/no answers; the page asks two questions."""
        if hasattr(error, "error_dict"):
            merged: dict[str, list] = {}
            for field, errors in error.error_dict.items():
                merged.setdefault(self.SERVICE_FIELDS.get(field, field), []).extend(errors)
            error = ValidationError(merged)
        super().add_service_errors(error)


class CapacityForm(MomentsMixin, GovukForm):
    moments = ("assessed_at",)
    person_id = _radios(
        "Whose capacity did you assess?",
        help_text="The child, or a person with parental responsibility for them.",
        error_messages={"required": "Select whose capacity you assessed"},
    )
    assessed_at = _date("When did you assess it?", "Enter the date you assessed it")
    assessed_at_time = time_field()
    conclusion = _radios(
        "What did you conclude?",
        CapacityConclusion.choices,
        "Whether they can understand what sharing means for them and decide. A child under "
        f"16 may consent if they can ({Q4}); for an adult, the Mental Capacity Act 2005.",
        error_messages={"required": "Select what you concluded"},
    )
    notes = _textarea("Notes (optional)", "How you assessed it and why you concluded this.")

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person_id"].choices = list(people)


class WithdrawForm(MomentsMixin, GovukForm):
    moments = ("withdrawn_at",)
    withdrawn_at = _date("When did they withdraw it?", "Enter the date they withdrew consent")
    withdrawn_at_time = time_field()
    method = _told_how()
    reasons = _textarea("Their reasons (optional)", "Only if they gave any.")


class GuidanceForm(GovukForm):
    outcome = _radios(
        "What is the outcome?",
        ConflictOutcome.choices,
        error_messages={"required": "Select the outcome"},
    )
    guidance = _textarea(
        "Your guidance",
        f"What the practitioner should do, and why ({Q4}).",
        required=True,
        error_messages={"required": "Enter your guidance"},
    )


class NoticeForm(GovukForm):
    told_on = _date("When were they told?", "Enter the date they were told")
    method = _radios(
        "How were they told?",
        NoticeMethod.choices,
        error_messages={"required": "Select how they were told"},
    )
    told_to_id = _radios(
        "Who was told?",
        help_text="The person, or for them a parent or carer.",
        error_messages={"required": "Select who was told"},
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["told_to_id"].choices = list(people)
