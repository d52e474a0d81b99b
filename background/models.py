from __future__ import annotations

from django.db import models


class PeriodicJob(models.Model):
    """When a periodic job (settings.TASK_SCHEDULE) is next due. Whichever worker moves
    `next_run_at` forward, in one conditional UPDATE, enqueues the job: once, however many
    workers look at the same moment."""

    name = models.CharField(max_length=64, primary_key=True)
    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} (next {self.next_run_at:%Y-%m-%d %H:%M:%S})"


class WorkerBeat(models.Model):
    """A worker's heartbeat: written every few seconds while it lives (from a thread of its
    own, so a long task does not silence it), deleted when it stops cleanly. A task RUNNING
    under a worker whose beat is older than TASKS_WORKER_DEAD_SECONDS is queued again, and
    /readyz counts the workers alive from these rows."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.beat_at:%Y-%m-%d %H:%M:%S})"
