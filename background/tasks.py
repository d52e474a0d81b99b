from __future__ import annotations

from django_tasks import task

from background import services


@task()
def task_results_prune() -> int:
    return services.task_results_prune()
