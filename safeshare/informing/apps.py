from django.apps import AppConfig


class InformingConfig(AppConfig):
    """Telling the child, family or informant after a share (Protocol App. 4)."""

    name = "safeshare.informing"
    label = "informing"
    verbose_name = "Informing the child or family"
