from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = "Realtime notifications"

    def ready(self) -> None:
        from realtime import receivers  # noqa: F401  (connects the signal receivers)
