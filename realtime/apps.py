from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = gettext_lazy("Realtime notifications")

    def ready(self) -> None:
        from core import names

        names.translate(self.get_models())
        from background import periodic
        from realtime import receivers, tasks  # noqa: F401  (receivers connect themselves)

        periodic.register("notifications_prune", tasks.notifications_prune)
