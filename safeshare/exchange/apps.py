from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "safeshare.exchange"
    label = "exchange"
    verbose_name = "Requests and shares"

    def ready(self) -> None:
        # Let a decision recorded in the aid answer the request it was started from.
        from safeshare.exchange import answering  # noqa: F401
