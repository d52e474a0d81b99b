from __future__ import annotations

from django.conf import settings
from django.core import checks

from background import periodic


@checks.register()
def every_scheduled_job_has_a_task(app_configs, **kwargs) -> list[checks.CheckMessage]:
    missing = sorted(set(settings.TASK_SCHEDULE) - set(periodic.registered()))
    return [
        checks.Error(
            f"settings.TASK_SCHEDULE names {name!r}, but no app registered a task for it",
            hint="Call background.periodic.jobs.register(task, key=name) in the app's ready().",
            id="background.E001",
        )
        for name in missing
    ]
