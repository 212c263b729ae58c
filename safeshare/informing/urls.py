"""The informing pages, served under `/exchange/informing/` with names in the exchange
namespace (`exchange:subject_tasks`, `exchange:subject_record`): `config/urls.py` adds
these patterns to exchange's, as it adds exchange's continued-use page to consent's."""

from django.urls import path

from safeshare.informing import views

urlpatterns = [  # informing the child or family after a share (issue #4 item 8)
    path("informing/", views.subject_tasks, name="subject_tasks"),
    path("informing/<str:share_id>/", views.subject_record, name="subject_record"),
]
