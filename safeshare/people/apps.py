from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safeshare.people"
    label = "people"
