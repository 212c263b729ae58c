"""Casework pages served among the consent pages: `config/urls.py` adds these patterns to
the consent namespace (`/consent/<id>/withdraw/`, name `consent:withdraw`)."""

from django.urls import path

from safeshare.casework import views

urlpatterns = [
    path("<str:consent_id>/withdraw/", views.consent_withdraw_page, name="withdraw"),
]
