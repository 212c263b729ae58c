"""Casework pages, served among the pages of the apps whose records they show:
`config/urls.py` adds each list to its namespace, so addresses and names stay."""

from django.urls import path

from safeshare.casework import views

# In the `people` namespace after people's own pages, so the person page keeps its
# address and its name, `people:detail`.
people_pages = [
    path("<str:person_id>/", views.person_detail, name="detail"),
]

# In the `consent` namespace after consent's own pages (`consent:withdraw`).
consent_pages = [
    path("<str:consent_id>/withdraw/", views.consent_withdraw_page, name="withdraw"),
]

# In the `decisions` namespace before the aid's own pages: the aid's record step, which
# may answer the request the aid was started from (`decisions:aid_record`).
decisions_pages = [
    path("aid/record/", views.aid_record, name="aid_record"),
]
