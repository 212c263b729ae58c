"""Casework pages, each mounted in the namespace of the pages it continues
(config/urls.py splices them in), so URLs and URL names stay those of the flow."""

from django.urls import path

from . import views

# Under /decisions/, in the decisions namespace: the aid's record step.
decisions_urlpatterns = [
    path("aid/record/", views.aid_record, name="aid_record"),
]
