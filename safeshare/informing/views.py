"""Pages for informing the child or family after a share (issue #4 item 8).

Adapters only: parse → fetch through access → call one service or selector →
render. One question, then the details for the answer given: whether they
were told; then when, how, who and by whom, or why not.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from safeshare.access.actions import Action
from safeshare.access.fetch.exchange import get_share_for
from safeshare.access.rules.informing import may_inform
from safeshare.core.errors import Forbidden
from safeshare.core.paging import answers_bad_page, paginate
from safeshare.decisions.selectors import pack_in_force
from safeshare.exchange import notify
from safeshare.informing.forms import (
    SubjectInformedForm,
    SubjectNotInformedForm,
    SubjectOutcomeForm,
)
from safeshare.informing.models import SubjectNotificationOutcome
from safeshare.informing.selectors import (
    people_who_may_be_told,
    subject_notification_reason_other,
    subject_notifications_for_share,
    subject_tasks_open,
)
from safeshare.informing.services import subject_notification_record
from safeshare.people.identity import read_identity
from safeshare.ui.query import accepts_query


@accepts_query("page")
@require_GET
@answers_bad_page
def subject_tasks(request: HttpRequest) -> HttpResponse:
    """Shares your agency sent where nobody has recorded whether the family was told,
    oldest first, a page at a time."""
    if not may_inform(request.user) or request.user.agency is None:
        raise Forbidden()
    paged = paginate(request, subject_tasks_open(request.user))
    names = {share.subject_id: read_identity(share.subject).display_name for share in paged.rows}
    return render(request, "exchange/subject/tasks.html", {"paged": paged, "names": names})


def _people_choices(share) -> list[tuple[str, str]]:
    choices = []
    for person in people_who_may_be_told(share):
        name = read_identity(person).display_name
        child = person.pk == share.subject_id
        label = f"{name} (the child)" if child else f"{name} (has parental responsibility)"
        choices.append((str(person.pk), label))
    return choices


def _colleague_choices(request: HttpRequest) -> list[tuple[str, str]]:
    staff = notify.agency_staff(request.user.agency)
    mine = [(str(request.user.pk), f"{request.user.get_full_name() or request.user} (you)")]
    return mine + [(str(u.pk), str(u)) for u in staff if u.pk != request.user.pk]


def _details_form(request: HttpRequest, share, outcome: str, data=None):
    if outcome == SubjectNotificationOutcome.INFORMED:
        return SubjectInformedForm(
            data,
            people=_people_choices(share),
            colleagues=_colleague_choices(request),
            backdating_reasons=[(r.code, r.label) for r in pack_in_force().recording.reasons],
            initial={"informed_by_id": str(request.user.pk)},
        )
    return SubjectNotInformedForm(data)


def _record(request: HttpRequest, share, outcome: str, form) -> bool:
    """Call the service with the form's answers; errors land on the form."""
    data = form.cleaned_data
    try:
        if outcome == SubjectNotificationOutcome.INFORMED:
            people = {str(p.pk): p for p in people_who_may_be_told(share)}
            staff = {str(u.pk): u for u in notify.agency_staff(request.user.agency)}
            staff.setdefault(str(request.user.pk), request.user)
            subject_notification_record(
                actor=request.user,
                share=share,
                outcome=outcome,
                informed_on=data["informed_on"],
                method=data["method"],
                informed_by=staff.get(data["informed_by_id"]),
                told_person=people.get(data["told_person_id"]),
                backdating_reason=data["backdating_reason"],
                backdating_explanation=data["backdating_explanation"],
            )
        else:
            subject_notification_record(
                actor=request.user,
                share=share,
                outcome=outcome,
                reason=data["reason"],
                reason_other=data["reason_other"],
            )
    except ValidationError as error:
        form.add_service_errors(error)
        return False
    return True


@accepts_query("outcome")
@require_http_methods(["GET", "POST"])
def subject_record(request: HttpRequest, share_id: str) -> HttpResponse:
    """Whether the child or family was told of this share; the outcomes recorded so far."""
    share = get_share_for(request.user, share_id, action=Action.SUBJECT_NOTIFICATION_RECORD)
    outcome = request.GET.get("outcome", "")
    if outcome not in SubjectNotificationOutcome.values:
        outcome = ""
    status = 200
    if not outcome:
        form = SubjectOutcomeForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if form.is_valid():
                path = reverse("exchange:subject_record", kwargs={"share_id": share.pk})
                return redirect(f"{path}?outcome={form.cleaned_data['outcome']}")
            status = 422
    else:
        data = request.POST if request.method == "POST" else None
        form = _details_form(request, share, outcome, data)
        if request.method == "POST":
            if form.is_valid() and _record(request, share, outcome, form):
                return redirect("exchange:subject_record", share_id=share.pk)
            status = 422
    recorded = subject_notifications_for_share(request.user, share)
    others = {n.pk: subject_notification_reason_other(n) for n in recorded if n.reason_other_enc}
    names = {
        n.told_person_id: read_identity(n.told_person).display_name
        for n in recorded
        if n.told_person
    }
    context = {
        "share": share,
        "identity": read_identity(share.subject),
        "outcome": outcome,
        "form": form,
        "recorded": recorded,
        "others": others,
        "names": names,
    }
    return render(request, "exchange/subject/record.html", context, status=status)
