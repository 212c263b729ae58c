from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "safeshare.exchange"
    label = "exchange"
    verbose_name = "Requests and shares"
