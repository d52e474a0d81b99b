"""Reads and writes of the background work itself: the queue's state for /readyz, and pruning
finished task rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, Count, F, Max, Min, Q, When
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from background.models import WorkerBeat
from core.metrics import Gauges

# Finished rows are kept this long (failed ones longer: moderators and operators read them in
# the admin), then the periodic job `task_results_prune` deletes them.
KEEP_SUCCEEDED = timedelta(days=7)
KEEP_FAILED = timedelta(days=30)


@dataclass(frozen=True)
class QueueState:
    due: int  # tasks ready to run now
    oldest_due_at: datetime | None  # since when the oldest of them has been due
    last_pickup_at: datetime | None  # when a worker last claimed any task
    workers_alive: int  # workers whose heartbeat is fresh (TASKS_WORKER_DEAD_SECONDS)


def queue_state(now: datetime | None = None) -> QueueState:
    now = now or timezone.now()
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    # A task enqueued without a time (run_after holds the library's far-future marker) is due
    # since it was enqueued; one with a time, since that time.
    never = get_date_max()
    due_since = Case(When(run_after=never, then=F("enqueued_at")), default=F("run_after"))
    due = ready.filter(Q(run_after__lte=now) | Q(run_after=never)).aggregate(
        count=Count("pk"), oldest=Min(due_since)
    )
    last = DBTaskResult.objects.aggregate(at=Max("started_at"))["at"]
    dead_after = timedelta(seconds=settings.TASKS_WORKER_DEAD_SECONDS)
    alive = WorkerBeat.objects.filter(beat_at__gte=now - dead_after).count()
    return QueueState(
        due=due["count"], oldest_due_at=due["oldest"], last_pickup_at=last, workers_alive=alive
    )


def task_results_prune(now: datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _ = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - KEEP_SUCCEEDED)
        | Q(status=TaskResultStatus.FAILED, finished_at__lt=now - KEEP_FAILED)
    ).delete()
    return deleted


def task_queue() -> tuple[dict[str, float], bool]:
    """The queue as /readyz reports it (core.health.task_queue_probe), and whether the workers
    have stalled: tasks are due and either no worker has beaten for TASKS_WORKER_DEAD_SECONDS
    (they are dead), or none has picked one up for TASKS_STALLED_SECONDS (they are alive but
    stuck)."""
    state = queue_state()
    now = timezone.now()
    waited = (now - state.oldest_due_at).total_seconds() if state.oldest_due_at else 0.0
    limit = settings.TASKS_STALLED_SECONDS
    idle = state.last_pickup_at is None or (now - state.last_pickup_at).total_seconds() > limit
    dead = state.workers_alive == 0 and waited > settings.TASKS_WORKER_DEAD_SECONDS
    stalled = state.due > 0 and (dead or (waited > limit and idle))
    queue = {"due": state.due, "oldest_due_seconds": round(waited, 1)}
    queue["workers"] = state.workers_alive
    return queue, stalled


def task_metrics(gauges: Gauges) -> None:
    """The task queue for Prometheus (core.metrics.scraped): tasks due, running and failed
    (kept KEEP_FAILED), the age of the oldest due one, and the workers alive."""
    now = timezone.now()
    state = queue_state(now)
    counts = dict(
        DBTaskResult.objects.filter(status__in=(TaskResultStatus.RUNNING, TaskResultStatus.FAILED))
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    gauges.add("tasks_due", "Tasks due and waiting for a worker.", state.due)
    gauges.add("tasks_running", "Tasks a worker is running now.", counts.get("RUNNING", 0))
    gauges.add("tasks_failed", "Failed tasks kept for looking into.", counts.get("FAILED", 0))
    oldest = (now - state.oldest_due_at).total_seconds() if state.oldest_due_at else 0.0
    gauges.add("tasks_oldest_due_seconds", "How long the oldest due task has waited.", oldest)
    gauges.add("tasks_workers_alive", "Workers whose heartbeat is recent.", state.workers_alive)
