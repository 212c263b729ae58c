from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "safeshare.exchange"
    label = "exchange"
    verbose_name = "Requests and shares"

    def ready(self) -> None:
        # Tell recipients when the consent behind what they received is withdrawn.
        from safeshare.consent.signals import consent_withdrawn
        from safeshare.exchange.services import tell_recipients_of_withdrawal

        consent_withdrawn.connect(
            tell_recipients_of_withdrawal, dispatch_uid="exchange.tell_recipients_of_withdrawal"
        )
        # Put shares on a person's timeline (consent.timeline imports nothing above it),
        # let `safeshare ledger verify --records` compare shares with their receipts, and
        # let a decision recorded in the aid answer the request it was started from.
        from safeshare.exchange import integrity, timeline  # noqa: F401
