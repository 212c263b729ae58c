"""The notice at first contact (item 5; Protocol 6.2).
Adapters only: parse → fetch through access → call one service or selector → render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from safeshare.access.actions import Action
from safeshare.access.fetch.people import get_person_for
from safeshare.access.policy import active_agency
from safeshare.access.rules.consent import RECORDER_ROLES
from safeshare.access.rules.roles import CASE_ROLES
from safeshare.consent.forms import (
    NoticeForm,
)
from safeshare.consent.selectors import (
    notices_for,
    people_without_notice,
)
from safeshare.consent.services.notices import notice_record
from safeshare.consent.views.posting import chosen, submit_form
from safeshare.core.errors import Forbidden
from safeshare.core.paging import answers_bad_page, paginate
from safeshare.people.selectors import (
    people_visible_among,
    person_identities,
    relationships_for_person,
)
from safeshare.ui.query import accepts_query


@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest, person_id: str) -> HttpResponse:
    """Record that the person, or a parent or carer for them, was told how your agency
    shares information and on what basis (Protocol 6.2)."""
    person = get_person_for(request.user, person_id, action=Action.NOTICE_RECORD)
    relationships = list(relationships_for_person(person=person))
    related = [r.related_person if r.person_id == person.pk else r.person for r in relationships]
    people = [person, *people_visible_among(request.user, related)]
    names = person_identities(people)
    choices = [(str(person.pk), f"{names[person.pk].display_name} (the person themself)")]
    choices += [(str(p.pk), names[p.pk].display_name) for p in people[1:]]
    form = NoticeForm(request.POST if request.method == "POST" else None, people=choices)

    def write(data: dict) -> str:
        notice_record(
            actor=request.user,
            person=person,
            told_on=data["told_on"],
            method=data["method"],
            told_to=chosen(people, data["told_to_id"]),
        )
        return reverse("people:detail", kwargs={"person_id": person.pk})

    done, status = submit_form(request, form, write)
    if done:
        return done
    notices = list(notices_for(request.user, person))
    context = {
        "person": person,
        "identity": names[person.pk],
        "form": form,
        "notices": notices,
        "told": person_identities(n.told_to for n in notices if n.told_to),
    }
    return render(request, "consent/notice_new.html", context, status=status)


@accepts_query("page")
@require_GET
@answers_bad_page
def without_notice(request: HttpRequest) -> HttpResponse:
    """People your agency works with who have no record of being told how it shares
    information (Protocol 6.2), longest-waiting first, a page at a time."""
    if active_agency(request.user) is None or not request.user.roles & CASE_ROLES:
        raise Forbidden()
    paged = paginate(request, people_without_notice(request.user))
    context = {
        "paged": paged,
        "names": person_identities(paged.rows),  # only this page's people
        "may_record": bool(request.user.roles & RECORDER_ROLES),
    }
    return render(request, "consent/without_notice.html", context)
