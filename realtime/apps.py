from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = "Realtime notifications"

    def ready(self) -> None:
        from background import periodic
        from realtime import receivers, tasks  # noqa: F401  (receivers connect themselves)

        periodic.register("notifications_prune", tasks.notifications_prune)
