"""Reads of requests, shares and referrals; every one starts from `access.visible`.

Lists use a fixed number of queries whatever their length (annotations and
select_related, no per-row lookups). Sealed text is opened here, and a
recipient's view of a share withholds protected identities (issue #4 item 5).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from safeshare.access.policy import active_agency, visible
from safeshare.access.rules.exchange import received_shares
from safeshare.access.rules.roles import CASE_ROLES
from safeshare.consent.models import ConsentWithdrawal
from safeshare.core import clock
from safeshare.core.sealed import ErasedText, open_text
from safeshare.decisions.models import Decision
from safeshare.exchange.models import (
    ContinuedUse,
    InformationRequest,
    OnwardDisclosureRequest,
    ProtectedRole,
    Referral,
    RequestResponse,
    RequestWithdrawal,
    Share,
    ShareAcknowledgement,
    ShareItem,
)


class RequestStatus:
    """A request's status, derived from its rows and today's date (never stored)."""

    OPEN = "open"
    OVERDUE = "overdue"
    ANSWERED_SHARED = "answered_shared"
    ANSWERED_DECLINED = "answered_declined"
    WITHDRAWN = "withdrawn"

    LABELS = {
        OPEN: "Open",
        OVERDUE: "Overdue",
        ANSWERED_SHARED: "Answered: will share",
        ANSWERED_DECLINED: "Answered: will not share",
        WITHDRAWN: "Withdrawn",
    }


def _with_status(queryset: QuerySet) -> QuerySet:
    """Request lists with their status in SQL and both agencies loaded. Not the subject nor
    who asked: lists show neither, and joining the person's wide encrypted row made
    PostgreSQL sort every request's in full before taking a page."""
    outcome = RequestResponse.objects.filter(request=OuterRef("pk")).values("decision__outcome")
    return queryset.annotate(
        answer_outcome=Subquery(outcome[:1]),
        is_withdrawn=Exists(RequestWithdrawal.objects.filter(request=OuterRef("pk"))),
    ).select_related("requesting_agency", "requested_agency")


def request_status(request: InformationRequest, today: datetime.date | None = None) -> str:
    """Open, overdue, answered (shared or declined) or withdrawn (issue #4 item 4)."""
    today = today or clock.today()
    withdrawn = getattr(request, "is_withdrawn", None)
    if withdrawn is None:
        withdrawn = RequestWithdrawal.objects.filter(request=request).exists()
    if withdrawn:
        return RequestStatus.WITHDRAWN
    outcome = getattr(request, "answer_outcome", "unset")
    if outcome == "unset":
        response = RequestResponse.objects.filter(request=request).select_related("decision")
        found = response.first()
        outcome = found.decision.outcome if found else None
    if outcome == "share":
        return RequestStatus.ANSWERED_SHARED
    if outcome is not None:
        return RequestStatus.ANSWERED_DECLINED
    return RequestStatus.OVERDUE if request.due_on < today else RequestStatus.OPEN


# Lists are paged, so each has a total order: id breaks ties (never a skipped or repeated row).
REQUEST_ORDER = ("due_on", "raised_at", "id")


def requests_inbox(user: Any) -> QuerySet[InformationRequest]:
    """Requests other agencies made of the user's agency, soonest due first."""
    agency = active_agency(user)
    return _with_status(
        visible(user, InformationRequest.objects.filter(requested_agency=agency))
    ).order_by(*REQUEST_ORDER)


def requests_outbox(user: Any) -> QuerySet[InformationRequest]:
    """Requests the user's agency made of others, soonest due first."""
    agency = active_agency(user)
    return _with_status(
        visible(user, InformationRequest.objects.filter(requesting_agency=agency))
    ).order_by(*REQUEST_ORDER)


def requests_overdue(user: Any) -> QuerySet[InformationRequest]:
    """Unanswered, not withdrawn and past their due date: listed for both sides (5.2 Timely)."""
    return (
        _with_status(visible(user, InformationRequest.objects.filter(due_on__lt=clock.today())))
        .filter(answer_outcome__isnull=True, is_withdrawn=False)
        .order_by(*REQUEST_ORDER)
    )


def request_text(request: InformationRequest) -> dict[str, str | ErasedText | None]:
    """The request's sealed purpose and information needed, opened."""
    return {
        name: open_text(
            request.subject, record_id=request.pk, field=name, blob=getattr(request, f"{name}_enc")
        )
        for name in ("purpose", "information_needed")
    }


def request_response(request: InformationRequest) -> RequestResponse | None:
    return (
        RequestResponse.objects.filter(request=request)
        .select_related("decision", "responded_by")
        .first()
    )


def shares_sent(user: Any) -> QuerySet[Share]:
    """Shares the user's agency sent, newest first (the sender's full record)."""
    agency = active_agency(user)
    return (
        visible(user, Share.objects.filter(sender_agency=agency))
        .select_related("subject", "sent_by")
        .prefetch_related("recipients__agency")
        .order_by("-sent_at", "-id")
    )


def shares_received(user: Any) -> QuerySet[Share]:
    """Shares open to the user now as a recipient (window open, not revoked, named or not),
    newest first."""
    agency = active_agency(user)
    if agency is None:
        return Share.objects.none()
    open_to_user = received_shares(user, agency).filter(share=OuterRef("pk"))
    acknowledged = ShareAcknowledgement.objects.filter(
        share=OuterRef("pk"), recipient__agency=agency
    )
    return (
        visible(user, Share.objects.filter(Exists(open_to_user)))
        .annotate(acknowledged=Exists(acknowledged))
        .select_related("subject", "sender_agency")
        .order_by("-sent_at", "-id")
    )


@dataclass(frozen=True)
class ItemView:
    """One item as a reader may see it; `protected_identity` is None when withheld."""

    position: int
    category: str
    category_label: str
    content: Any
    nature: str
    nature_label: str
    source: Any
    dated_on: datetime.date
    protected_role: str
    protected_role_label: str
    protected_identity: Any
    protected_identity_withheld: bool
    disclosure_reason: Any


def _open(item: ShareItem, subject: Any, name: str) -> Any:
    return open_text(subject, record_id=item.pk, field=name, blob=getattr(item, f"{name}_enc"))


def share_items(share: Share, *, for_sender: bool) -> list[ItemView]:
    """The share's items only (never another share's), protected identities withheld
    from recipients unless the sender disclosed them with a reason."""
    views = []
    for item in ShareItem.objects.filter(share=share).order_by("position"):
        show_identity = for_sender or item.protected_identity_disclosed
        views.append(
            ItemView(
                position=item.position,
                category=item.category,
                category_label=item.get_category_display(),
                content=_open(item, share.subject, "content"),
                nature=item.nature,
                nature_label=item.get_nature_display(),
                source=_open(item, share.subject, "source"),
                dated_on=item.dated_on,
                protected_role=item.protected_role,
                protected_role_label=(
                    ProtectedRole(item.protected_role).label if item.protected_role else ""
                ),
                protected_identity=(
                    _open(item, share.subject, "protected_identity") if show_identity else None
                ),
                protected_identity_withheld=bool(item.protected_role) and not show_identity,
                disclosure_reason=(
                    _open(item, share.subject, "disclosure_reason")
                    if item.protected_identity_disclosed
                    else None
                ),
            )
        )
    return views


def share_consent_limits(share: Share) -> Any:
    return open_text(
        share.subject, record_id=share.pk, field="consent_limits", blob=share.consent_limits_enc
    )


def share_is_sender(user: Any, share: Share) -> bool:
    agency = active_agency(user)
    return agency is not None and share.sender_agency_id == agency.id


def share_recipients(share: Share) -> list:
    """The sender's view of who receives the share and who acknowledged."""
    return list(
        share.recipients.select_related("agency", "named_user", "acknowledgement").order_by(
            "agency__name"
        )
    )


def share_views(share: Share) -> QuerySet:
    return share.views.select_related("viewed_by", "recipient__agency").order_by("viewed_at")


def onward_requests_for(user: Any) -> QuerySet[OnwardDisclosureRequest]:
    """Requests to pass a share on that the user may see, newest first."""
    return (
        visible(user, OnwardDisclosureRequest.objects.all())
        .select_related("share", "requesting_agency", "proposed_recipient", "answer__decision")
        .order_by("-requested_at", "-id")
    )


def referrals_for(user: Any) -> QuerySet[Referral]:
    return visible(user, Referral.objects.all()).select_related("share", "front_door")


def decision_usable(decision: Decision) -> bool:
    return not Decision.objects.correcting(decision).exists()


def decisions_for_answer(user: Any, subject: Any) -> list[Decision]:
    """The user's agency's decisions about the child still in force (not superseded)."""
    agency = active_agency(user)
    if agency is None:
        return []
    return list(
        Decision.objects.for_agency(agency)
        .current()
        .filter(subject=subject)
        .order_by("-decided_at")
    )


def legal_basis_choices() -> list[tuple[str, str]]:
    """(code, label) for every legal basis catalogued in the shipped packs, each once."""
    from safeshare.decisions.packs import all_packs
    from safeshare.exchange.services.requests import LEGAL_BASIS_CATALOGUES

    seen: dict[str, str] = {}
    for pack in all_packs().values():
        for name in LEGAL_BASIS_CATALOGUES:
            for item in pack.catalogue(name):
                seen.setdefault(item.code, item.label)
    return list(seen.items())


def consent_reason_choices() -> list[tuple[str, str]]:
    """(code, label) for the reasons consent is not sought, from the shipped packs."""
    from safeshare.decisions.packs import all_packs

    seen: dict[str, str] = {}
    for pack in all_packs().values():
        for item in pack.catalogue("consent_not_sought_reasons"):
            seen.setdefault(item.code, item.label)
    return list(seen.items())


def decisions_awaiting_share(user: Any) -> QuerySet[Decision]:
    """The agency's decisions to share, in force, that no share carries out yet."""
    agency = active_agency(user)
    if agency is None or not user.roles & CASE_ROLES:
        return Decision.objects.none()
    return (
        Decision.objects.for_agency(agency)
        .current()
        .filter(outcome="share", subject__isnull=False)
        .exclude(Exists(Share.objects.filter(decision=OuterRef("pk"))))
        .select_related("subject")
        .order_by("-decided_at", "-id")
    )


def shares_for_answer(user: Any, response: RequestResponse | None) -> list[Share]:
    """Shares carrying out the answering decision that the user may see."""
    if response is None:
        return []
    return list(visible(user, Share.objects.filter(decision_id=response.decision_id)))


def withdrawal_for_share(share: Share) -> ConsentWithdrawal | None:
    """The withdrawal of the consent the share's decision relied on, if it was withdrawn."""
    if share.decision_id is None:
        return None
    return (
        ConsentWithdrawal.objects.filter(consent__decisions=share.decision_id)
        .select_related("consent")
        .first()
    )


def continued_uses_for_share(user: Any, share: Share) -> QuerySet[ContinuedUse]:
    """Recipients' decisions on continued use after a withdrawal: the sender sees all, a
    recipient its own agency's."""
    return (
        visible(user, ContinuedUse.objects.filter(recipient__share=share))
        .select_related("recipient__agency", "decided_by")
        .order_by("decided_at")
    )
