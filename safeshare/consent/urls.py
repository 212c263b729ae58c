from django.urls import path

from safeshare.consent import views

app_name = "consent"

urlpatterns = [
    path("conflicts/", views.conflicts, name="conflicts"),
    path("conflicts/<str:conflict_id>/", views.conflict_detail, name="conflict"),
    path("child/<str:person_id>/new/", views.consent_new, name="new"),
    path("child/<str:person_id>/capacity/new/", views.capacity_new, name="capacity_new"),
    path("people/<str:person_id>/notice/new/", views.notice_new, name="notice_new"),
    path("not-told/", views.without_notice, name="without_notice"),
    path("<str:consent_id>/", views.consent_detail, name="detail"),
]
