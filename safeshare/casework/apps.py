from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    """Flows that cross apps, written top-down: the only code that calls two domain
    apps' services (STYLE §1). Each flow is one function a reader can follow from
    its call site; nothing here is reached through a registry or a signal."""

    name = "safeshare.casework"
    label = "casework"
    verbose_name = "Casework"
