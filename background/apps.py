from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class BackgroundConfig(AppConfig):
    name = "background"
    verbose_name = gettext_lazy("Background work")

    def ready(self) -> None:
        from core import names

        names.translate(self.get_models())
        from background import checks, periodic, tasks  # noqa: F401  (checks registers itself)

        periodic.jobs.register(tasks.task_results_prune, key="task_results_prune")
        from background import services
        from core import health, metrics

        health.task_queue_probe.register(services.task_queue)
        metrics.scraped.register(services.task_metrics)
