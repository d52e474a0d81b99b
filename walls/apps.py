from django.apps import AppConfig


class WallsConfig(AppConfig):
    name = "walls"
    verbose_name = "Confession walls"

    def ready(self) -> None:
        from walls import events  # noqa: F401  (registers the event types)
