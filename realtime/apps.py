from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = gettext_lazy("Realtime notifications")

    def ready(self) -> None:
        from core import names

        names.translate(self.get_models())
        from accounts.signals import user_deactivated
        from background import periodic
        from realtime import receivers, tasks

        periodic.jobs.register(tasks.notifications_prune, key="notifications_prune")
        user_deactivated.register(receivers.close_sessions_of_deactivated_user)
