from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "safeshare.ledger"
    label = "ledger"
    verbose_name = "Ledger"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
