from django.apps import AppConfig


class WebConfig(AppConfig):
    default = True
    name = "safeshare.web"
    label = "web"
