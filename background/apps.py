from django.apps import AppConfig


class BackgroundConfig(AppConfig):
    name = "background"
    verbose_name = "Background work"

    def ready(self) -> None:
        from background import checks, periodic, tasks  # noqa: F401  (checks registers itself)

        periodic.register("task_results_prune", tasks.task_results_prune)
