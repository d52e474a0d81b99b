"""The registry of periodic jobs (core.registry): each app registers the task behind a job
name of settings.TASK_SCHEDULE in its AppConfig.ready() (this app is below them and imports
none): `periodic.jobs.register(tasks.tokens_flush, key="tokens_flush")`.

The schedule itself (which jobs, how often) is settings.TASK_SCHEDULE, the one place it is
defined; a scheduled name without a registered task fails `manage.py check`."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task

from background.models import PeriodicJob
from core.registry import Registry

jobs: Registry[Task] = Registry("background.periodic_jobs")


def registered() -> dict[str, Task]:
    return {str(name): task for name, task in jobs.items().items()}


def enqueue_due(now=None) -> list[str]:
    """Enqueue every scheduled job that is due, once across all workers, and return their
    names. A job seen for the first time is due at once."""
    now = now or timezone.now()
    started: list[str] = []
    for name, every in settings.TASK_SCHEDULE.items():
        task = jobs.get(name)
        if task is None:
            continue
        with transaction.atomic():
            job, created = PeriodicJob.objects.get_or_create(
                name=name, defaults={"next_run_at": now + every}
            )
            if not created:
                # The one UPDATE that claims this run: a worker that lost the race moves 0 rows.
                claimed = PeriodicJob.objects.filter(name=name, next_run_at__lte=now).update(
                    next_run_at=_next(job.next_run_at, every, now)
                )
                if not claimed:
                    continue
            task.enqueue()
        started.append(name)
    return started


def _next(previous, every: timedelta, now):
    """The next run after `now` on the job's own beat (a worker down for a day runs it once)."""
    missed = max((now - previous) // every, 0) + 1
    return previous + missed * every
