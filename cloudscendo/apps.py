from django.apps import AppConfig


class CloudscendoConfig(AppConfig):
    """The project package is also a small app: operational state such as worker heartbeats."""

    name = "cloudscendo"
    verbose_name = "Operations"

    def ready(self) -> None:
        from cloudscendo.observability import observability_setup

        observability_setup()
