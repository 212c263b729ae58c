"""Pages for building, reading, acknowledging and revoking shares.

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
from django.views.decorators.http import require_http_methods, require_POST

from safeshare.access.actions import Action
from safeshare.access.fetch.decisions import get_own_decision_for
from safeshare.access.fetch.exchange import (
    get_share_for,
)
from safeshare.access.policy import can
from safeshare.agencies.selectors import agency_get
from safeshare.core import clock
from safeshare.core.paging import answers_bad_page, paginate
from safeshare.core.sealed import open_text, seal_text
from safeshare.exchange import forms, integrity, receipts, selectors, services
from safeshare.exchange.models import ViewChannel
from safeshare.exchange.selectors_continued_use import share_consent
from safeshare.people.identity import read_identity
from safeshare.people.models import IdentityField
from safeshare.ui.query import accepts_query

from ._common import _identity, _other_agencies, _require_case_role

DRAFTS = "exchange_share_drafts"


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
    decision = get_own_decision_for(request.user, decision_id, action=Action.SHARE_SEND)
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
                recipients=[services.RecipientDraft(agency=agency_get(data["recipient"]))],
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
    share = get_share_for(request.user, share_id, action=Action.SHARE_VIEW)
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
        "receipt": receipts.share_receipt(share),
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
    share = get_share_for(request.user, share_id, action=Action.SHARE_ACKNOWLEDGE)
    try:
        services.share_acknowledge(actor=request.user, share=share)
    except ValidationError:
        pass  # already acknowledged: the page says so
    return redirect("exchange:share_detail", share_id=share.pk)


@require_POST
def share_revoke(request: HttpRequest, share_id: str) -> HttpResponse:
    share = get_share_for(request.user, share_id, action=Action.SHARE_REVOKE)
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
