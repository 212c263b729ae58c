from django.urls import path

from safeshare.consent.views import capacity, conflicts, consents, notices

app_name = "consent"

urlpatterns = [
    path("conflicts/", conflicts.conflicts, name="conflicts"),
    path("conflicts/<str:conflict_id>/", conflicts.conflict_detail, name="conflict"),
    path("child/<str:person_id>/new/", consents.consent_new, name="new"),
    path("child/<str:person_id>/capacity/new/", capacity.capacity_new, name="capacity_new"),
    path("people/<str:person_id>/notice/new/", notices.notice_new, name="notice_new"),
    path("not-told/", notices.without_notice, name="without_notice"),
    path("<str:consent_id>/", consents.consent_detail, name="detail"),
]
