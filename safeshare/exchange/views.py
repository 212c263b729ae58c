"""Exchange pages: requests in and out, building and reading shares, MASH referrals.

Adapters only: parse → fetch through access → call one service or selector →
render. A recipient's page view of a share is logged like an API read. While a
share is being built its items wait in the session sealed under the child's
key (never in plain text); only the items still selected when it is sent are
stored and shown to recipients.
"""

import base64
import datetime
import json
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from safeshare.access.actions import Action, Relation
from safeshare.access.fetch import get_person_for
from safeshare.access.fetch_exchange import (
    get_onward_request_for,
    get_own_decision_for,
    get_request_for,
    get_share_for,
)
from safeshare.access.policy import can, person_relation, require
from safeshare.access.rules.decisions import DecisionTarget
from safeshare.access.rules.exchange import ReferralTarget, RequestTarget, ShareSource
from safeshare.access.rules.roles import CASE_ROLES
from safeshare.agencies.models import Agency
from safeshare.core import clock
from safeshare.core.errors import Forbidden
from safeshare.core.paging import answers_bad_page, paginate
from safeshare.decisions.flow import ANSWERING_REQUEST, flow_start
from safeshare.exchange import forms, integrity, selectors, services
from safeshare.exchange.models import ViewChannel
from safeshare.exchange.selectors_consent import share_consent
from safeshare.exchange.services.referrals import CONSENT_REASONS
from safeshare.people.identity import read_identity
from safeshare.people.models import IdentityField
from safeshare.people.sealing import open_text, seal_text
from safeshare.people.selectors import person_identity_for
from safeshare.web.query import accepts_query

DRAFTS = "exchange_share_drafts"


def _require_case_role(request: HttpRequest) -> None:
    if not request.user.roles & CASE_ROLES or request.user.agency is None:
        raise Forbidden()


def _other_agencies(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (str(a.pk), a.name)
        for a in Agency.objects.exclude(pk=request.user.agency.pk).order_by("name")
    ]


def _identity(request: HttpRequest, person) -> object | None:
    """The child's identity as the user may see it now (a recipient: only the fields the
    shares it received carry), else None."""
    if not can(request.user, Action.PERSON_VIEW, person):
        return None
    return person_identity_for(request.user, person)


def _decision_aid_url() -> str | None:
    """The decisions app's decision aid, where the answer is decided and recorded."""
    try:
        return reverse("decisions:aid_start")
    except NoReverseMatch:
        return None


# --- requests ----------------------------------------------------------------------------


@accepts_query("in_page", "out_page", "overdue_page")
@answers_bad_page
def requests(request: HttpRequest) -> HttpResponse:
    """Requests in and out, with their status; overdue ones for both sides. Each list is
    paged on its own (`in_page`, `out_page`, `overdue_page`)."""
    _require_case_role(request)
    return render(
        request,
        "exchange/requests.html",
        {
            "inbox": paginate(
                request, selectors.requests_inbox(request.user), param="in_page", anchor="asked-of"
            ),
            "outbox": paginate(
                request,
                selectors.requests_outbox(request.user),
                param="out_page",
                anchor="asked-by",
            ),
            "overdue": paginate(
                request,
                selectors.requests_overdue(request.user),
                param="overdue_page",
                anchor="overdue",
            ),
            "status": selectors.request_status,
            "labels": selectors.RequestStatus.LABELS,
        },
    )


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, person_id: str) -> HttpResponse:
    """Ask another agency about a child your agency works with."""
    subject = get_person_for(request.user, person_id)
    form = forms.RequestRaiseForm(
        request.POST if request.method == "POST" else None,
        agencies=_other_agencies(request),
        legal_bases=selectors.legal_basis_choices(),
    )
    target_agency = None
    if request.method == "POST" and form.is_valid():
        target_agency = Agency.objects.filter(pk=form.cleaned_data["to_agency"]).first()
    require(
        request.user,
        Action.REQUEST_RAISE,
        RequestTarget(subject=subject, to_agency=target_agency or Agency(id=uuid.uuid4())),
    )
    if target_agency is not None:
        data = form.cleaned_data
        try:
            raised = services.request_raise(
                actor=request.user,
                subject=subject,
                to_agency=target_agency,
                purpose=data["purpose"],
                information_needed=data["information_needed"],
                legal_basis=data["legal_basis"],
                urgency=data["urgency"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("exchange:request_detail", request_id=raised.pk)
    return render(
        request,
        "exchange/request_new.html",
        {"form": form, "subject": subject, "identity": read_identity(subject)},
    )


def request_detail(request: HttpRequest, request_id: str) -> HttpResponse:
    """A request, its status and, for the agency asked, how to answer it."""
    found = get_request_for(request.user, request_id)
    require(request.user, Action.REQUEST_VIEW, found)
    may_answer = can(request.user, Action.REQUEST_ANSWER, found)
    status = selectors.request_status(found)
    answer_form = None
    if may_answer and status in (selectors.RequestStatus.OPEN, selectors.RequestStatus.OVERDUE):
        answer_form = forms.RequestAnswerForm(decisions=_decision_choices(request, found))
    return render(
        request,
        "exchange/request_detail.html",
        _request_context(request, found, answer_form=answer_form, status=status),
    )


def _decision_choices(request: HttpRequest, found) -> list[tuple[str, str]]:
    return _decision_choices_for(request, found.subject)


def _decision_choices_for(request: HttpRequest, subject) -> list[tuple[str, str]]:
    return [
        (
            str(d.pk),
            f"{d.get_outcome_display()}, decided {d.decided_at:%-d %B %Y %H:%M}",
        )
        for d in selectors.decisions_for_answer(request.user, subject)
    ]


def _request_context(request: HttpRequest, found, **extra) -> dict:
    response = selectors.request_response(found)
    return {
        "shares": selectors.shares_for_answer(request.user, response),
        "found": found,
        "text": selectors.request_text(found),
        "identity": _identity(request, found.subject),
        "response": response,
        "labels": selectors.RequestStatus.LABELS,
        "may_withdraw": can(request.user, Action.REQUEST_WITHDRAW, found),
        "withdraw_form": forms.RequestWithdrawForm(),
        "accepted": can(request.user, Action.REQUEST_ANSWER, found)
        and person_relation(request.user, found.subject) == Relation.OWN_AGENCY,
        "may_decide": _may_decide_on(request.user, found),
        **extra,
    }


def _may_decide_on(user, found) -> bool:
    """Whether the user may record the decision that answers this request, so may take it
    on and start the aid: a role that records decisions (not a lead information officer).

    Before the request is taken on the child is not yet in the agency's scope
    (taking it on brings them in), so only the role is asked then.
    """
    own = person_relation(user, found.subject) == Relation.OWN_AGENCY
    return can(user, Action.DECISION_RECORD, DecisionTarget(subject=found.subject if own else None))


@require_POST
def request_answer(request: HttpRequest, request_id: str) -> HttpResponse:
    """Answer with one of your agency's recorded decisions about the child."""
    found = get_request_for(request.user, request_id)
    require(request.user, Action.REQUEST_ANSWER, found)
    form = forms.RequestAnswerForm(request.POST, decisions=_decision_choices(request, found))
    if form.is_valid():
        try:
            decision = get_own_decision_for(request.user, form.cleaned_data["decision"])
            services.request_answer(actor=request.user, request=found, decision=decision)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("exchange:request_detail", request_id=found.pk)
    context = _request_context(
        request, found, answer_form=form, status=selectors.request_status(found)
    )
    return render(request, "exchange/request_detail.html", context, status=422)


@require_POST
def request_accept(request: HttpRequest, request_id: str) -> HttpResponse:
    """Take the request on (the child comes into your agency's scope) and start the decision
    aid about the request's child; the decision recorded there answers this request."""
    found = get_request_for(request.user, request_id)
    require(request.user, Action.REQUEST_ANSWER, found)
    if not _may_decide_on(request.user, found):
        raise Forbidden("You cannot record a decision, so cannot decide on this request.")
    try:
        services.request_accept(actor=request.user, request=found)
    except ValidationError:
        # No longer open: the page shows the status.
        return redirect("exchange:request_detail", request_id=found.pk)
    flow_start(
        request,
        subject_id=str(found.subject_id),
        answering=(ANSWERING_REQUEST, str(found.pk)),
    )
    return redirect("decisions:aid_answers")


@require_POST
def request_withdraw(request: HttpRequest, request_id: str) -> HttpResponse:
    found = get_request_for(request.user, request_id)
    require(request.user, Action.REQUEST_WITHDRAW, found)
    form = forms.RequestWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.request_withdraw(
                actor=request.user, request=found, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("exchange:request_detail", request_id=found.pk)
    context = _request_context(request, found, status=selectors.request_status(found))
    context["withdraw_form"] = form
    return render(request, "exchange/request_detail.html", context, status=422)


# --- building a share --------------------------------------------------------------------


def _drafts(request: HttpRequest) -> dict:
    return request.session.setdefault(DRAFTS, {})


def _draft_items(request: HttpRequest, decision) -> list[dict]:
    """The items waiting in the session for this decision's share, opened."""
    draft = _drafts(request).get(str(decision.pk), {})
    items = []
    for blob in draft.get("items", []):
        text = open_text(
            decision.subject,
            record_id=draft["id"],
            field="draft_item",
            blob=base64.b64decode(blob),
        )
        if isinstance(text, str):
            items.append(json.loads(text))
    return items


def _save_draft_items(request: HttpRequest, decision, items: list[dict]) -> None:
    drafts = _drafts(request)
    draft = drafts.get(str(decision.pk)) or {"id": str(uuid.uuid4())}
    draft["items"] = [
        base64.b64encode(
            seal_text(
                decision.subject, record_id=draft["id"], field="draft_item", text=json.dumps(item)
            )
        ).decode()
        for item in items
    ]
    drafts[str(decision.pk)] = draft
    request.session.modified = True


def _decision_for_share(request: HttpRequest, decision_id: str):
    decision = get_own_decision_for(request.user, decision_id)
    require(request.user, Action.SHARE_SEND, ShareSource(decision=decision))
    return decision


def _share_send_form(request: HttpRequest, decision, data=None) -> forms.ShareSendForm:
    """Recipients: the agencies the decision names, else any other agency."""
    named = [(str(a.pk), a.name) for a in decision.recipient_agencies.order_by("name")]
    return forms.ShareSendForm(data, agencies=named or _other_agencies(request))


def _share_builder(
    request: HttpRequest, decision, *, form=None, item_form=None, status: int = 200
) -> HttpResponse:
    """The share builder: the items selected so far, the form to add one more, and who
    receives it, all on one page."""
    return render(
        request,
        "exchange/share_new.html",
        {
            "banners": [str(message) for message in messages.get_messages(request)],
            "form": form or _share_send_form(request, decision),
            "item_form": item_form or forms.ItemForm(),
            "decision": decision,
            "items": _draft_items(request, decision),
            "identity": read_identity(decision.subject) if decision.subject else None,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def share_new(request: HttpRequest, decision_id: str) -> HttpResponse:
    """Build a share from a decision to share: the selected items, recipient, window, kind."""
    decision = _decision_for_share(request, decision_id)
    if request.method != "POST":
        return _share_builder(request, decision)
    form = _share_send_form(request, decision, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            share = services.share_send(
                actor=request.user,
                decision=decision,
                kind=data["kind"],
                items=[_item_draft(item) for item in _draft_items(request, decision)],
                recipients=[
                    services.RecipientDraft(
                        agency=Agency.objects.filter(pk=data["recipient"]).first()
                    )
                ],
                access_until=clock.now() + datetime.timedelta(days=data["access_days"]),
                onward_sharing_permitted=data["onward_sharing_permitted"],
                consent_limits=data["consent_limits"],
                is_file_transfer=data["is_file_transfer"],
                identity_fields=frozenset(data["identity_fields"]),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            _drafts(request).pop(str(decision.pk), None)
            request.session.modified = True
            return redirect("exchange:share_detail", share_id=share.pk)
    return _share_builder(request, decision, form=form, status=422)


def _item_draft(item: dict) -> services.ItemDraft:
    return services.ItemDraft(
        category=item["category"],
        content=item["content"],
        nature=item["nature"],
        source=item["source"],
        dated_on=datetime.date.fromisoformat(item["dated_on"]),
        checked_accurate=item["checked_accurate"],
        protected_role=item.get("protected_role") or "",
        protected_identity=item.get("protected_identity") or "",
        disclose_protected_identity=item.get("disclose_protected_identity", False),
        disclosure_reason=item.get("disclosure_reason") or "",
    )


@require_POST
def share_item_add(request: HttpRequest, decision_id: str) -> HttpResponse:
    """Select one more item to send; back to the builder, with the item listed or with the
    errors beside the item's fields."""
    decision = _decision_for_share(request, decision_id)
    item_form = forms.ItemForm(request.POST)
    if item_form.is_valid():
        data = dict(item_form.cleaned_data)
        data["dated_on"] = data["dated_on"].isoformat()
        try:
            services.share_item_check(item=_item_draft(data))
        except ValidationError as error:
            item_form.add_service_errors(error)
        else:
            _save_draft_items(request, decision, [*_draft_items(request, decision), data])
            return redirect("exchange:share_new", decision_id=decision.pk)
    return _share_builder(request, decision, item_form=item_form, status=422)


@require_POST
def share_item_remove(request: HttpRequest, decision_id: str, position: int) -> HttpResponse:
    """Take an item out of the share being built: it will not be sent."""
    decision = _decision_for_share(request, decision_id)
    items = _draft_items(request, decision)
    if 1 <= position <= len(items):
        del items[position - 1]
        _save_draft_items(request, decision, items)
    return redirect("exchange:share_new", decision_id=decision.pk)


# --- reading shares ----------------------------------------------------------------------


@accepts_query("sent_page", "awaiting_page", "onward_page", "received_page")
@answers_bad_page
def shares(request: HttpRequest) -> HttpResponse:
    """Shares your agency sent, and those open to you as a recipient, each list paged."""
    _require_case_role(request)
    user = request.user
    return render(
        request,
        "exchange/shares.html",
        {
            "sent": paginate(
                request, selectors.shares_sent(user), param="sent_page", anchor="sent"
            ),
            "awaiting": paginate(
                request,
                selectors.decisions_awaiting_share(user),
                param="awaiting_page",
                anchor="awaiting",
            ),
            "onward": paginate(
                request, selectors.onward_requests_for(user), param="onward_page", anchor="onward"
            ),
            "received": paginate(
                request, selectors.shares_received(user), param="received_page", anchor="received"
            ),
        },
    )


def share_detail(request: HttpRequest, share_id: str) -> HttpResponse:
    """The sender's full record, or the recipient's view (logged): the selected items only,
    protected identities withheld, the limits of consent and whether it may be passed on."""
    share = get_share_for(request.user, share_id)
    require(request.user, Action.SHARE_VIEW, share)
    services.share_view_record(actor=request.user, share=share, channel=ViewChannel.PAGE)
    return render(request, "exchange/share_detail.html", _share_context(request, share))


def _share_context(request: HttpRequest, share, **extra) -> dict:
    sender = selectors.share_is_sender(request.user, share)
    return {
        "share": share,
        "sender": sender,
        "identity": _identity(request, share.subject),
        "identity_fields": [
            label for value, label in IdentityField.choices if value in share.identity_fields
        ],
        "items": selectors.share_items(share, for_sender=sender),
        "consent_limits": selectors.share_consent_limits(share),
        "consent": share_consent(request.user, share),
        "recipients": selectors.share_recipients(share) if sender else [],
        "views": list(selectors.share_views(share)) if sender else [],
        "receipt": selectors.share_receipt(share),
        "record_check": integrity.share_record_check(share),
        "may_acknowledge": can(request.user, Action.SHARE_ACKNOWLEDGE, share),
        "acknowledged": share.acknowledgements.filter(
            recipient__agency=request.user.agency
        ).exists(),
        "may_revoke": can(request.user, Action.SHARE_REVOKE, share) and share.revoked_at is None,
        "may_ask_onward": can(request.user, Action.ONWARD_REQUEST, share),
        "revoke_form": forms.ShareRevokeForm(),
        **extra,
    }


@require_POST
def share_acknowledge(request: HttpRequest, share_id: str) -> HttpResponse:
    share = get_share_for(request.user, share_id)
    require(request.user, Action.SHARE_ACKNOWLEDGE, share)
    try:
        services.share_acknowledge(actor=request.user, share=share)
    except ValidationError:
        pass  # already acknowledged: the page says so
    return redirect("exchange:share_detail", share_id=share.pk)


@require_POST
def share_revoke(request: HttpRequest, share_id: str) -> HttpResponse:
    share = get_share_for(request.user, share_id)
    require(request.user, Action.SHARE_REVOKE, share)
    form = forms.ShareRevokeForm(request.POST)
    if form.is_valid():
        try:
            services.share_revoke(
                actor=request.user, share=share, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("exchange:share_detail", share_id=share.pk)
    context = _share_context(request, share, revoke_form=form)
    return render(request, "exchange/share_detail.html", context, status=422)


# --- onward disclosure ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def onward_new(request: HttpRequest, share_id: str) -> HttpResponse:
    """A recipient asks the source agency before passing a share on (secondary disclosure)."""
    share = get_share_for(request.user, share_id)
    require(request.user, Action.ONWARD_REQUEST, share)
    agencies = [(k, v) for k, v in _other_agencies(request) if k != str(share.sender_agency_id)]
    form = forms.OnwardRequestForm(
        request.POST if request.method == "POST" else None, agencies=agencies
    )
    if request.method == "POST" and form.is_valid():
        try:
            onward = services.onward_request(
                actor=request.user,
                share=share,
                proposed_recipient=Agency.objects.filter(
                    pk=form.cleaned_data["proposed_recipient"]
                ).first(),
                purpose=form.cleaned_data["purpose"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("exchange:onward_detail", onward_id=onward.pk)
    return render(
        request,
        "exchange/onward_new.html",
        {"form": form, "share": share},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def onward_detail(request: HttpRequest, onward_id: str) -> HttpResponse:
    """The request to pass a share on; the source agency answers with one of its decisions."""
    onward = get_onward_request_for(request.user, onward_id)
    require(request.user, Action.ONWARD_VIEW, onward)
    answer = getattr(onward, "answer", None) if hasattr(onward, "answer") else None
    form = None
    if answer is None and can(request.user, Action.ONWARD_ANSWER, onward):
        choices = _decision_choices_for(request, onward.share.subject)
        form = forms.RequestAnswerForm(
            request.POST if request.method == "POST" else None, decisions=choices
        )
        form.fields["decision"].label = "Which of your agency's decisions answers this?"
        if request.method == "POST" and form.is_valid():
            try:
                decision = get_own_decision_for(request.user, form.cleaned_data["decision"])
                services.onward_answer(actor=request.user, onward=onward, decision=decision)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return redirect("exchange:onward_detail", onward_id=onward.pk)
    elif request.method == "POST":
        raise Forbidden()
    purpose = open_text(
        onward.share.subject, record_id=onward.pk, field="purpose", blob=onward.purpose_enc
    )
    return render(
        request,
        "exchange/onward_detail.html",
        {
            "onward": onward,
            "purpose": purpose,
            "answer": answer,
            "form": form,
            "decision_aid_url": _decision_aid_url(),
        },
        status=422 if form is not None and form.errors else 200,
    )


# --- referrals ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, person_id: str) -> HttpResponse:
    """Refer a child to the children's trust front door (MASH), same day, consent not needed."""
    subject = get_person_for(request.user, person_id)
    require(request.user, Action.REFERRAL_MAKE, ReferralTarget(subject=subject))
    labels = dict(selectors.consent_reason_choices())
    form = forms.ReferralForm(
        request.POST if request.method == "POST" else None,
        consent_reasons=[(code, labels.get(code, code)) for code in CONSENT_REASONS],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_make(
                actor=request.user,
                subject=subject,
                harm_basis=data["harm_basis"],
                reason=data["reason"],
                consent_not_sought_reason=data["consent_not_sought_reason"],
                items=[
                    services.ItemDraft(
                        category="safeguarding",
                        content=data["content"],
                        nature=data["nature"],
                        source=data["source"],
                        dated_on=data["dated_on"],
                        checked_accurate=data["checked_accurate"],
                    )
                ],
            )
        except ValidationError as error:
            form.add_service_errors(
                ValidationError(
                    {k.removeprefix("items.0."): v for k, v in error.error_dict.items()}
                )
                if hasattr(error, "error_dict")
                else error
            )
        else:
            return redirect("exchange:share_detail", share_id=referral.share_id)
    return render(
        request,
        "exchange/referral_new.html",
        {"form": form, "subject": subject, "identity": read_identity(subject)},
        status=422 if form.errors else 200,
    )
