from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "safeshare.decisions"
    label = "decisions"
    verbose_name = "Decisions and the decision aid"

    def ready(self) -> None:
        # Register the system check that validates every protocol pack at start-up.
        from safeshare.decisions import checks  # noqa: F401
