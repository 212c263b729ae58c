from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "safeshare.decisions"
    label = "decisions"
    verbose_name = "Decisions and the decision aid"

    def ready(self) -> None:
        # Register the system check that validates every protocol pack at start-up, and
        # put decisions on a person's timeline (consent.timeline imports nothing above it).
        from safeshare.decisions import checks, timeline  # noqa: F401
