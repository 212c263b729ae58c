from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "safeshare.agencies"
    label = "agencies"
    verbose_name = "Agencies and staff"
