from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "safeshare.consent"
    label = "consent"
    verbose_name = "Consent, capacity and the notice at first contact"
