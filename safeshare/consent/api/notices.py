"""Consent API: the notice at first contact (Protocol 6.2)."""

from ninja import Router, Status
from ninja.pagination import paginate

from safeshare.access.actions import Action
from safeshare.access.fetch.people import get_person_for
from safeshare.access.policy import require
from safeshare.access.rules.consent import NoticeTarget
from safeshare.consent import selectors
from safeshare.consent.api.schemas import (
    NoticeIn,
    NoticeOut,
    PersonRefOut,
)
from safeshare.consent.api.shaping import (
    body_person,
    notice_out,
)
from safeshare.consent.services import notices
from safeshare.core.errors import Errors, raise_if
from safeshare.core.paging import LimitOffset, Rows

router = Router(tags=["consent"])


@router.post("/notices", response={201: NoticeOut}, operation_id="consent_notice_record")
def consent_notice_record(request, payload: NoticeIn):
    """Record that the person, or a parent or carer for them, was told how your agency
    shares information and on what basis (Protocol 6.2)."""
    user = request.auth
    errors: Errors = {}
    person = body_person(user, errors, "person_id", payload.person_id)
    if person is not None:
        require(user, Action.NOTICE_RECORD, NoticeTarget(person=person))
    told_to = body_person(user, errors, "told_to_id", payload.told_to_id)
    raise_if(errors)
    notice = notices.notice_record(
        actor=user, person=person, told_on=payload.told_on, method=payload.method, told_to=told_to
    )
    return Status(201, notice_out(notice))


@router.get("/notices/missing", response=list[PersonRefOut], operation_id="consent_notices_missing")
@paginate(LimitOffset)
def consent_notices_missing(request):
    """People your agency works with who have no record of the notice, longest-waiting
    first (by when your agency's involvement began)."""
    return Rows(
        selectors.people_without_notice(request.auth), lambda p: {"id": p.pk, "kind": p.kind}
    )


@router.get(
    "/people/{person_id}/notices", response=list[NoticeOut], operation_id="consent_notices_list"
)
def consent_notices_list(request, person_id: str):
    """Your agency's records of telling a person how it shares information."""
    person = get_person_for(request.auth, person_id, action=Action.PERSON_VIEW)
    return [notice_out(n) for n in selectors.notices_for(request.auth, person)]
