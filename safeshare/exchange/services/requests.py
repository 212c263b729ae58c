"""Information requests between agencies (issue #4 item 4; Protocol 5.2 Timely)."""

import datetime
import uuid

from django.db import transaction

from safeshare.agencies.models import Agency, User
from safeshare.core import clock
from safeshare.decisions.models import Decision
from safeshare.exchange import notify
from safeshare.exchange.dates import request_due_on
from safeshare.exchange.models import (
    CODE_MAX,
    InformationRequest,
    RequestResponse,
    RequestWithdrawal,
    RevocationReason,
    Share,
    ShareKind,
    ShareOrigin,
    ShareRecipient,
    ShareRevocation,
    Urgency,
    WithdrawalReason,
)
from safeshare.ledger.kinds import EntryKind
from safeshare.people.models import Person

from ._common import (
    CODE_PATTERN,
    Errors,
    actor_agency,
    add_error,
    append,
    check_decision,
    check_subject,
    clean_choice,
    clean_text,
    raise_if,
    seal,
)
from .share_drafts import ALL_IDENTITY_FIELDS
from .shares import carries

# The requested agency may see the child's identity from the request until this
# long after the due date, or until the request is withdrawn (ADR 0005).
IDENTITY_WINDOW_AFTER_DUE = datetime.timedelta(days=28)


LEGAL_BASIS_CATALOGUES = ("lawful_bases", "special_category_conditions", "statutory_gateways")


def legal_basis_codes() -> frozenset[str]:
    """Codes a request may claim: the legal bases catalogued in any shipped protocol pack
    (UK GDPR Art 6 and Art 9, DPA 2018 Sch 1, statutory gateways; issue #4 item 1)."""
    from safeshare.decisions.packs import all_packs

    return frozenset(
        item.code
        for pack in all_packs().values()
        for name in LEGAL_BASIS_CATALOGUES
        for item in pack.catalogue(name)
    )


def _clean_legal_basis(value: object, errors: Errors) -> str:
    code = (value or "").strip() if isinstance(value, str) else ""
    if not code:
        add_error(errors, "legal_basis", "Choose the legal basis you rely on.", "required")
        return ""
    if len(code) > CODE_MAX or not CODE_PATTERN.match(code):
        add_error(
            errors,
            "legal_basis",
            "Give the legal basis as a code from the protocol's catalogue.",
            "legal_basis_format",
        )
        return ""
    if code not in legal_basis_codes():
        add_error(
            errors,
            "legal_basis",
            "Choose a legal basis from the protocol's catalogue.",
            "legal_basis_unknown",
        )
    return code


MAX_DUE_AHEAD = datetime.timedelta(days=90)


def _clean_due_on(
    urgency: str, due_on: datetime.date | None, today: datetime.date, errors: Errors
) -> datetime.date | None:
    if not urgency:
        return None
    if due_on is None:
        return request_due_on(urgency, today)
    if not isinstance(due_on, datetime.date):
        add_error(errors, "due_on", "Enter the due date as a date.", "invalid")
    elif due_on < today:
        add_error(errors, "due_on", "The due date must be today or later.", "due_in_past")
    elif urgency == Urgency.SAME_DAY and due_on != today:
        add_error(errors, "due_on", "A same-day request is due today.", "same_day_due_today")
    elif due_on > today + MAX_DUE_AHEAD:
        # The asked agency sees the child's identity until after the due date, so a
        # far-off date would keep that window open for years (5.2 Limited).
        add_error(errors, "due_on", "The due date can be at most 90 days ahead.", "due_too_far")
    return due_on


@transaction.atomic
def request_raise(
    *,
    actor: User,
    subject: Person,
    to_agency: Agency,
    purpose: str,
    information_needed: str,
    legal_basis: str,
    urgency: str,
    due_on: datetime.date | None = None,
) -> InformationRequest:
    """Ask another agency for information about a named child.

    Protocol 5.2 (Timely; Relevant: the purpose and the information needed are
    stated) and App. 2 Q1 (a clear and legitimate purpose). The due date
    defaults by urgency and may not be in the past. Raising the request shares
    the child's identity with the requested agency so it can decide (ADR 0005).
    """
    errors: Errors = {}
    agency = actor_agency(actor, errors)
    check_subject(subject, field="subject", errors=errors)
    if to_agency is None:
        add_error(errors, "to_agency", "Choose the agency to ask.", "required")
    elif agency is not None and to_agency.pk == agency.pk:
        add_error(errors, "to_agency", "Choose another agency than your own.", "not_own_agency")
    purpose = clean_text(purpose, field="purpose", label="the purpose", errors=errors)
    needed = clean_text(
        information_needed,
        field="information_needed",
        label="the information needed",
        errors=errors,
    )
    basis = _clean_legal_basis(legal_basis, errors)
    urgency = clean_choice(urgency, Urgency, field="urgency", label="the urgency", errors=errors)
    today = clock.today()
    due = _clean_due_on(urgency, due_on, today, errors)
    raise_if(errors)
    assert agency is not None and due is not None

    now = clock.now()
    window = max(due - today, datetime.timedelta(0)) + IDENTITY_WINDOW_AFTER_DUE
    share = Share(
        sender_agency=agency,
        subject=subject,
        kind=ShareKind.DISCLOSURE,
        origin=ShareOrigin.REQUEST,
        sent_by=actor,
        sent_at=now,
        access_until=now + window,
        # The asked agency must match the child in its own records: the whole identity.
        **carries(ALL_IDENTITY_FIELDS),
    )
    share.full_clean()
    share.save()
    recipient = ShareRecipient(share=share, agency=to_agency)
    recipient.full_clean()
    recipient.save()
    request_id = uuid.uuid4()
    request = InformationRequest(
        id=request_id,
        requesting_agency=agency,
        requested_by=actor,
        requested_agency=to_agency,
        subject=subject,
        purpose_enc=seal(subject, request_id, "purpose", purpose),
        information_needed_enc=seal(subject, request_id, "information_needed", needed),
        legal_basis=basis,
        urgency=urgency,
        due_on=due,
        raised_at=now,
        identity_share=share,
    )
    request.full_clean()
    request.save(force_insert=True)
    entry = append(
        kind=EntryKind.REQUEST_RAISED,
        actor=actor,
        agency=agency,
        subject=subject,
        payload={
            "request": str(request.pk),
            "requested_agency": str(to_agency.pk),
            "identity_share": str(share.pk),
            "legal_basis": basis,
            "urgency": urgency,
            "due_on": due.isoformat(),
        },
    )
    # The identity share's receipt is the entry that raised it.
    Share.objects.filter(pk=share.pk).update(sent_entry_seq=entry.seq, sent_entry_hash=entry.hash)
    share.sent_entry_seq, share.sent_entry_hash = entry.seq, entry.hash
    notify.notify_request_raised(actor=actor, request=request)  # emails leave on commit
    return request


REQUEST_INVOLVEMENT_REASON = "Answering an information request"


@transaction.atomic
def request_accept(*, actor: User, request: InformationRequest):
    """The requested agency takes the request on: it starts working with the child.

    Deciding needs the child in the agency's own scope (decisions are recorded
    about children an agency works with), so accepting records an involvement
    (ADR 0005). Returns the open involvement, new or existing; raises if the
    request is no longer open.
    """
    from safeshare.people.models import Involvement
    from safeshare.people.services.involvements import involvement_start

    errors: Errors = {}
    agency = actor_agency(actor, errors)
    if agency is not None and request.requested_agency_id != agency.id:
        add_error(errors, "request", "Only the agency asked can accept.", "not_requested_agency")
    _check_open(request, errors)
    raise_if(errors)
    existing = Involvement.objects.for_agency(agency).open().filter(person=request.subject).first()
    if existing is not None:
        return existing
    return involvement_start(
        actor=actor, agency=agency, person=request.subject, reason=REQUEST_INVOLVEMENT_REASON
    )


def _check_open(request: InformationRequest, errors: Errors, field: str = "request") -> None:
    if RequestWithdrawal.objects.filter(request=request).exists():
        add_error(errors, field, "This request has been withdrawn.", "request_withdrawn")
    elif RequestResponse.objects.filter(request=request).exists():
        add_error(errors, field, "This request has already been answered.", "request_answered")


def request_lock_open(*, request: InformationRequest) -> None:
    """Lock the request's row until the caller's transaction commits and refuse it if it is
    no longer open (withdrawn or answered).

    A decision recorded in the aid answers its request (Protocol App. 2 Q7);
    taking this lock before the decision's ledger entry keeps the order every
    other path takes, request row then ledger, so it cannot deadlock with a
    withdrawal or an answer from the request's page. Needs a transaction.
    """
    InformationRequest.objects.select_for_update().filter(pk=request.pk).first()
    errors: Errors = {}
    _check_open(request, errors)
    raise_if(errors)


@transaction.atomic
def request_answer(
    *, actor: User, request: InformationRequest, decision: Decision
) -> RequestResponse:
    """Answer a request with the decision the requested agency recorded, share or not share.

    Protocol App. 2 Q7: the decision either way is the record; both agencies
    then see the outcome. The decision must be the requested agency's own,
    about the same child, not superseded and not dated before the request was
    raised (issue #11 item 4).
    """
    errors: Errors = {}
    agency = actor_agency(actor, errors)
    InformationRequest.objects.select_for_update().filter(pk=request.pk).first()
    if agency is not None and request.requested_agency_id != agency.id:
        add_error(errors, "request", "Only the agency asked can answer.", "not_requested_agency")
    _check_open(request, errors)
    check_decision(
        decision, agency=agency, subject=request.subject, field="decision_id", errors=errors
    )
    if decision is not None and decision.decided_at < request.raised_at:
        add_error(
            errors,
            "decision_id",
            "The decision is dated before the request was raised, so it cannot answer it.",
            "before_request",
        )
    raise_if(errors)
    assert agency is not None
    response = RequestResponse(
        request=request, decision=decision, responded_by=actor, responded_at=clock.now()
    )
    response.full_clean()
    response.save()
    append(
        kind=EntryKind.REQUEST_ANSWERED,
        actor=actor,
        agency=agency,
        subject=request.subject,
        payload={
            "request": str(request.pk),
            "response": str(response.pk),
            "decision": str(decision.pk),
            "outcome": decision.outcome,
        },
    )
    notify.notify_request_answered(actor=actor, request=request)  # emails leave on commit
    return response


@transaction.atomic
def request_withdraw(*, actor: User, request: InformationRequest, reason: str) -> RequestWithdrawal:
    """The requesting agency withdraws an open request; the child's identity share ends with it.

    UK GDPR Art 5(1)(c) data minimisation: once no answer is needed, the
    requested agency no longer needs to know who the child is.
    """
    errors: Errors = {}
    agency = actor_agency(actor, errors)
    InformationRequest.objects.select_for_update().filter(pk=request.pk).first()
    if agency is not None and request.requesting_agency_id != agency.id:
        add_error(errors, "request", "Only the agency that asked can withdraw.", "not_requester")
    _check_open(request, errors)
    reason = clean_choice(reason, WithdrawalReason, field="reason", label="a reason", errors=errors)
    raise_if(errors)
    assert agency is not None
    now = clock.now()
    withdrawal = RequestWithdrawal(
        request=request, withdrawn_by=actor, withdrawn_at=now, reason=reason
    )
    withdrawal.full_clean()
    withdrawal.save()
    share = request.identity_share
    if share.revoked_at is None:
        revocation = ShareRevocation(
            share=share, revoked_by=actor, revoked_at=now, reason=RevocationReason.NO_LONGER_NEEDED
        )
        revocation.full_clean()
        revocation.save()
        Share.objects.filter(pk=share.pk).update(revoked_at=now)
        share.revoked_at = now
    append(
        kind=EntryKind.REQUEST_WITHDRAWN,
        actor=actor,
        agency=agency,
        subject=request.subject,
        payload={
            "request": str(request.pk),
            "withdrawal": str(withdrawal.pk),
            "reason": reason,
            "identity_share_revoked": str(share.pk),
        },
    )
    return withdrawal
