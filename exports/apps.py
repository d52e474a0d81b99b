from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = gettext_lazy("Data exports")

    def ready(self) -> None:
        from background import periodic
        from core import names
        from exports import events, receivers, tasks  # noqa: F401 - they register themselves

        names.translate(self.get_models())
        periodic.jobs.register(tasks.exports_expire, key="exports_expire")
