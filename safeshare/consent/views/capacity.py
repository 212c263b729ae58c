"""The capacity assessment page (App. 2 Q4; Mental Capacity Act 2005).
Adapters only: parse → fetch through access → call one service or selector → render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeshare.access.actions import Action
from safeshare.consent.forms import (
    CapacityForm,
)
from safeshare.consent.services.capacity import capacity_assess
from safeshare.consent.views.deciders import child_for, decider_choices, deciders
from safeshare.consent.views.posting import chosen, submit_form
from safeshare.people.identity import read_identity


@require_http_methods(["GET", "POST"])
def capacity_new(request: HttpRequest, person_id: str) -> HttpResponse:
    """Record whether the child, or a person with parental responsibility, can understand
    and decide about sharing (App. 2 Q4; Mental Capacity Act 2005)."""
    child = child_for(request, person_id, Action.CAPACITY_ASSESS)
    people = deciders(request, child)
    form = CapacityForm(
        request.POST if request.method == "POST" else None,
        people=decider_choices(child, people),
    )

    def write(data: dict) -> str:
        capacity_assess(
            actor=request.user,
            child=child,
            person=chosen(people, data["person_id"]),
            assessed_at=data["assessed_at"],
            conclusion=data["conclusion"],
            notes=data["notes"],
        )
        return reverse("people:detail", kwargs={"person_id": child.pk})

    done, status = submit_form(request, form, write)
    if done:
        return done
    context = {"child": child, "identity": read_identity(child), "form": form}
    return render(request, "consent/capacity_new.html", context, status=status)
