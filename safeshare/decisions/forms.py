"""Forms for the decision aid, decision records, reviews, advice and packs.

Field names match the services' keyword arguments, so a service's
ValidationError lands beside the field it names. Choices come from the
protocol pack in force; the services validate the protocol's rules.
"""

from django import forms

from safeshare.consent.models import SharingPurpose
from safeshare.decisions.models import AidOutcome, ConsentState, DecisionOutcome, ReviewOutcome
from safeshare.decisions.packs import Pack, Question
from safeshare.ui.forms import GovukForm

ANONYMISED = "anonymised"


def _items(pack: Pack, catalogue: str, items=None) -> list[tuple[str, str]]:
    chosen = items if items is not None else pack.catalogue(catalogue)
    return [(i.code, f"{i.label} ({i.paragraph})") for i in chosen]


class AidStartForm(GovukForm):
    about = forms.ChoiceField(
        label="Who is the decision about?",
        error_messages={"required": "Select the child, or anonymised information"},
    )

    def __init__(self, *args, children: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = [
            ("", "Choose a child"),
            *children,
            (ANONYMISED, "Anonymised information only (no child is named)"),
        ]


def _answer_field(question: Question, *, hint: str, required: bool) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=question.text,
        help_text=hint,
        choices=[(o.code, o.label) for o in question.options],
        widget=forms.RadioSelect,
        required=required,
        error_messages={
            "required": "Select an answer",
            "invalid_choice": "Select one of the answers offered",
        },
    )


class AidQuestionForm(GovukForm):
    """One question of the aid on its own page."""

    def __init__(self, *args, question: Question, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"] = _answer_field(question, hint=question.hint, required=True)


class AidAnswersForm(GovukForm):
    """Every question the aid may ask, one field per question id, none required here: which
    ones must be answered depends on the answers, so the view walks them."""

    def __init__(self, *args, questions: list[tuple[Question, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question, only_if in questions:
            hint = " ".join(part for part in (only_if, question.hint) if part)
            self.fields[question.id] = _answer_field(question, hint=hint, required=False)


class DecisionRecordForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What did you decide?",
        choices=DecisionOutcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    purpose = forms.CharField(
        label="What is the purpose of sharing?",
        widget=forms.Textarea,
        required=False,
        help_text="Protocol App. 2 Q1: why the information is shared or requested.",
    )
    rationale = forms.CharField(
        label="Why did you decide this?",
        widget=forms.Textarea,
        required=False,
        help_text="Your reasons, whichever way you decided (Protocol 5.2 Record).",
    )
    information_considered = forms.CharField(
        label="What information did you consider?",
        widget=forms.Textarea,
        required=False,
    )
    level_of_need = forms.ChoiceField(label="Level of need", required=False)
    lawful_basis = forms.ChoiceField(
        label="Lawful basis for processing (UK GDPR Art 6)",
        required=False,
        help_text="Protocol 1.7: normally public task or legal obligation, not consent.",
    )
    special_category_condition = forms.ChoiceField(
        label="Condition for special category data (UK GDPR Art 9, DPA 2018 Sch 1)",
        required=False,
    )
    statutory_gateways = forms.MultipleChoiceField(
        label="Statutory powers or duties relied on",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_state = forms.ChoiceField(
        label="Consent to share",
        choices=ConsentState.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="The practice of seeking agreement (App. 2 Q4), separate from the lawful basis.",
    )
    consent_id = forms.ChoiceField(
        label="Which consent or refusal on file",
        widget=forms.RadioSelect,
        required=False,
        help_text="Relying on consent needs a consent record that covers this sharing.",
    )
    purpose_code = forms.ChoiceField(
        label="Purpose of sharing",
        required=False,
        help_text="Needed when you rely on consent: the consent must cover it.",
    )
    consent_not_sought_reason = forms.ChoiceField(
        label="Why consent was not sought (Protocol 6.3, 6.7)", required=False
    )
    safeguarding_reason = forms.ChoiceField(
        label="Safeguarding reason to share without consent", required=False
    )
    recipient_agencies = forms.MultipleChoiceField(
        label="Who will receive the information?",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    more_detrimental_to_child = forms.TypedChoiceField(
        label="Would sharing be more detrimental to the child than not sharing?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
        help_text="Children Act 2004 s16LA: the duty to share applies unless it would be.",
    )
    more_detrimental_reasoning = forms.CharField(
        label="Why sharing would be more detrimental to the child",
        widget=forms.Textarea,
        required=False,
    )
    advice_requests = forms.MultipleChoiceField(
        label="Advice you sought about this decision",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(
        self,
        *args,
        pack: Pack,
        lawful_bases,
        gateways,
        consents: list[tuple[str, str]],
        agencies: list[tuple[str, str]],
        advice: list[tuple[str, str]],
        duty: bool,
        level_from_aid: bool,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", "Choose")]
        self.fields["level_of_need"].choices = blank + _items(pack, "levels_of_need")
        self.fields["lawful_basis"].choices = blank + _items(pack, "lawful_bases", lawful_bases)
        self.fields["special_category_condition"].choices = blank + _items(
            pack, "special_category_conditions"
        )
        self.fields["statutory_gateways"].choices = _items(pack, "statutory_gateways", gateways)
        self.fields["consent_id"].choices = blank + consents
        self.fields["purpose_code"].choices = blank + list(SharingPurpose.choices)
        self.fields["consent_not_sought_reason"].choices = blank + _items(
            pack, "consent_not_sought_reasons"
        )
        self.fields["safeguarding_reason"].choices = blank + _items(pack, "safeguarding_reasons")
        self.fields["recipient_agencies"].choices = agencies
        self.fields["advice_requests"].choices = advice
        if level_from_aid:
            del self.fields["level_of_need"]
        if not duty:
            del self.fields["more_detrimental_to_child"]
            del self.fields["more_detrimental_reasoning"]
        if not advice:
            del self.fields["advice_requests"]
        if not consents:
            del self.fields["consent_id"]


class ReviewForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Your review",
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    comments = forms.CharField(label="Your reasons", widget=forms.Textarea, required=False)


class AdviceAskForm(GovukForm):
    adviser = forms.ChoiceField(label="Who do you want to ask?", required=False)
    subject = forms.ChoiceField(
        label="Which child is it about?",
        required=False,
        help_text="Your adviser will not see who the child is unless you choose to tell them.",
    )
    identity_revealed = forms.TypedChoiceField(
        label="Should your adviser see who the child is?",
        choices=[
            ("no", "No, keep the child's identity from my adviser"),
            ("yes", "Yes, show my adviser who the child is"),
        ],
        coerce=lambda v: v == "yes",
        empty_value=False,
        initial="no",
        widget=forms.RadioSelect,
        required=False,
    )
    question = forms.CharField(label="Your question", widget=forms.Textarea, required=False)

    def __init__(self, *args, advisers, children, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adviser"].choices = [("", "Choose")] + advisers
        self.fields["subject"].choices = [("", "No particular child")] + children


class AdviceGiveForm(GovukForm):
    advised_outcome = forms.ChoiceField(
        label="What do you advise?",
        choices=AidOutcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    advice = forms.CharField(label="Your advice", widget=forms.Textarea, required=False)


class PackChooseForm(GovukForm):
    pack_id = forms.ChoiceField(
        label="Which protocol pack should be in force?", widget=forms.RadioSelect, required=False
    )
    reason = forms.CharField(
        label="Why", widget=forms.Textarea, required=False, help_text="No personal data."
    )

    def __init__(self, *args, packs: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pack_id"].choices = packs
