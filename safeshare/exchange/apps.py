from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "safeshare.exchange"
    label = "exchange"
    verbose_name = "Requests and shares"

    def ready(self) -> None:
        # Put shares on a person's timeline (consent.timeline imports nothing above it),
        # let `safeshare ledger verify --records` compare shares with their receipts, and
        # let a decision recorded in the aid answer the request it was started from.
        from safeshare.exchange import answering, integrity, timeline  # noqa: F401
