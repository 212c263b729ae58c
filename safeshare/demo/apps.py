from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo partnership (`safeshare demo load`) and the scenario builders that
    the demo, bench and tests share. Sits beside web and api: it may import any
    app, and only tests, bench and the assembly apps import it."""

    name = "safeshare.demo"
    label = "demo"
    verbose_name = "Demo partnership"
