"""Forms for requests, shares and referrals (GOV.UK fields; services validate the rules)."""

from django import forms

from safeshare.consent.models import ItemCategory
from safeshare.exchange.models import (
    HarmBasis,
    ItemNature,
    ProtectedRole,
    RevocationReason,
    ShareKind,
    Urgency,
    WithdrawalReason,
)
from safeshare.people.models import IdentityField
from safeshare.ui.forms import GovukDateField, GovukForm

TEXTAREA = forms.Textarea(attrs={"rows": 5})


class RequestRaiseForm(GovukForm):
    to_agency = forms.ChoiceField(
        label="Which agency are you asking?",
        error_messages={"required": "Select the agency you are asking"},
    )
    purpose = forms.CharField(
        label="Why do you need the information?",
        max_length=5000,
        widget=TEXTAREA,
        error_messages={"required": "Enter why you need the information"},
    )
    information_needed = forms.CharField(
        label="What information do you need?",
        max_length=5000,
        widget=TEXTAREA,
        error_messages={"required": "Enter the information you need"},
    )
    legal_basis = forms.ChoiceField(
        label="Legal basis you rely on",
        error_messages={"required": "Select the legal basis you rely on"},
    )
    urgency = forms.ChoiceField(
        label="How urgent is it?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how urgent it is"},
    )
    due_on = GovukDateField(
        label="Answer needed by (optional)",
        required=False,
        help_text="Leave blank for the usual time: 10 working days, 2 if urgent, today if same day",
    )

    def __init__(self, *args, agencies=(), legal_bases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].choices = [("", "Choose an agency"), *agencies]
        self.fields["legal_basis"].choices = [("", "Choose a legal basis"), *legal_bases]


class RequestAnswerForm(GovukForm):
    decision = forms.ChoiceField(
        label="Which of your agency's decisions answers this request?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision that answers the request"},
    )

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = list(decisions)


class RequestWithdrawForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why are you withdrawing the request?",
        choices=WithdrawalReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you are withdrawing the request"},
    )


class ItemForm(GovukForm):
    category = forms.ChoiceField(
        label="What is the information about?",
        choices=ItemCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the information is about"},
    )
    content = forms.CharField(
        label="The information to share",
        max_length=5000,
        widget=TEXTAREA,
        help_text="Only what the recipient needs. Do not name a person you mark as protected.",
        error_messages={"required": "Enter the information to share"},
    )
    nature = forms.ChoiceField(
        label="Is this fact or professional opinion?",
        choices=ItemNature.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select fact or opinion"},
    )
    source = forms.CharField(
        label="Where did the information come from?",
        max_length=5000,
        error_messages={"required": "Enter where the information came from"},
    )
    dated_on = GovukDateField(
        label="Date of the information",
        error_messages={"required": "Enter the date of the information"},
    )
    checked_accurate = forms.BooleanField(
        label="I have checked this information is accurate and up to date",
        error_messages={"required": "Confirm you checked the information is accurate"},
    )
    protected_role = forms.ChoiceField(
        label="Does it involve a person whose identity must be protected?",
        choices=[("", "No"), *ProtectedRole.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    protected_identity = forms.CharField(
        label="Who is the protected person? (withheld from recipients)",
        max_length=5000,
        required=False,
    )
    disclose_protected_identity = forms.BooleanField(
        label="Disclose their identity to the recipient", required=False
    )
    disclosure_reason = forms.CharField(
        label="Why does the recipient need their identity?",
        max_length=5000,
        required=False,
        widget=TEXTAREA,
    )


class ShareSendForm(GovukForm):
    kind = forms.ChoiceField(
        label="How is the information passed on?",
        choices=ShareKind.choices,
        widget=forms.RadioSelect,
        help_text="Protocol 1.8",
        error_messages={"required": "Select how the information is passed on"},
    )
    recipient = forms.ChoiceField(
        label="Who receives it?", error_messages={"required": "Select the receiving agency"}
    )
    access_days = forms.IntegerField(
        label="For how many days may they see it?",
        min_value=1,
        max_value=366,
        initial=28,
        error_messages={"required": "Enter the number of days", "invalid": "Enter a number"},
    )
    identity_fields = forms.MultipleChoiceField(
        label="Which of the child's details do they need?",
        choices=IdentityField.choices,
        initial=[IdentityField.NAME, IdentityField.DATE_OF_BIRTH],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "They see the child only through the details you tick, and nothing else on "
            "your record. Leave the NHS number unticked unless they need it to find the child."
        ),
    )
    onward_sharing_permitted = forms.BooleanField(
        label="The recipient may pass it on without asking", required=False
    )
    consent_limits = forms.CharField(
        label="Limits of any consent given (optional)",
        max_length=5000,
        required=False,
        widget=TEXTAREA,
    )
    is_file_transfer = forms.BooleanField(
        label="This is a child-protection file transfer to the child's new school",
        required=False,
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [("", "Choose an agency"), *agencies]


class ShareRevokeForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why are you ending access?",
        choices=RevocationReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you are ending access"},
    )


class ReferralForm(GovukForm):
    harm_basis = forms.ChoiceField(
        label="What do you have reasonable cause to believe?",
        choices=HarmBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you have reasonable cause to believe"},
    )
    reason = forms.CharField(
        label="Why are you referring?",
        max_length=5000,
        widget=TEXTAREA,
        error_messages={"required": "Enter why you are referring"},
    )
    consent_state = forms.ChoiceField(
        label="Did the family agree to the referral?",
        help_text=(
            "Consent is not needed to refer where a child may be at risk of significant harm, "
            "but seek agreement where it is safe to (Protocol Appendix 2, Safeguarding)."
        ),
        choices=[
            ("given", "Yes, they agreed"),
            ("refused", "No, they refused"),
            ("not_sought", "They were not asked"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the family agreed to the referral"},
    )
    consent_id = forms.ChoiceField(
        label="Which agreement or refusal on file",
        required=False,
        help_text="Needed if they agreed; you may cite a refusal on file.",
    )
    consent_not_sought_reason = forms.ChoiceField(
        label="Why were they not asked?",
        required=False,
        widget=forms.RadioSelect,
    )
    lawful_basis = forms.ChoiceField(
        label="Your agency's lawful basis for sharing (UK GDPR Article 6)",
        widget=forms.RadioSelect,
        error_messages={"required": "Select your agency's lawful basis"},
    )
    statutory_gateways = forms.MultipleChoiceField(
        label="The law that lets your agency share this (if any)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    content = ItemForm.base_fields["content"]
    nature = ItemForm.base_fields["nature"]
    source = ItemForm.base_fields["source"]
    dated_on = ItemForm.base_fields["dated_on"]
    checked_accurate = ItemForm.base_fields["checked_accurate"]

    def __init__(
        self, *args, consent_reasons=(), consents=(), lawful_bases=(), gateways=(), **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["consent_not_sought_reason"].choices = list(consent_reasons)
        self.fields["consent_id"].choices = [("", "Choose"), *consents]
        self.fields["lawful_basis"].choices = list(lawful_bases)
        self.fields["statutory_gateways"].choices = list(gateways)
        if not consents:
            del self.fields["consent_id"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent_state") == "given" and "consent_id" not in self.fields:
            self.add_error(
                "consent_state",
                "There is no agreement on file for this child: record the family's "
                "agreement first, then come back and cite it",
            )
        return cleaned


class OnwardRequestForm(GovukForm):
    proposed_recipient = forms.ChoiceField(
        label="Who do you want to pass it on to?",
        error_messages={"required": "Select the agency"},
    )
    purpose = forms.CharField(
        label="Why do you want to pass it on?",
        max_length=5000,
        widget=TEXTAREA,
        error_messages={"required": "Enter why you want to pass it on"},
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed_recipient"].choices = [("", "Choose an agency"), *agencies]
