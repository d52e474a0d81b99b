"""The worker: django-tasks-db's, with what the project needs on top.

- Each task runs in one transaction: one that fails changes nothing half-way.
- A task whose outside call failed (`RetryLater`, or a dependency error: database, Redis, S3)
  runs again after a backoff (TASKS_RETRY_SECONDS, doubling), at most TASKS_MAX_ATTEMPTS times
  in all; then it is recorded as failed, with its traceback, in the admin. The attempts are the
  row's own `worker_ids` (one per claim), so they survive a worker restart.
- Every few seconds it enqueues the periodic jobs that are due (background.periodic) and puts
  back a task left `RUNNING` by a worker that died (tasks are idempotent; see
  docs/operations.md): one whose worker has not beaten for TASKS_WORKER_DEAD_SECONDS
  (`WorkerBeat`, written every TICK_SECONDS from a thread of the worker's own, so a long task
  does not silence it), and, whatever its worker, one running past ABANDONED_AFTER.
- Any number of workers share the queue: a task is claimed with SELECT ... FOR UPDATE SKIP
  LOCKED (PostgreSQL) or in an exclusive transaction (SQLite), so it runs once.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks.base import TaskContext, TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from background import periodic
from background.backend import REQUEST_ID, TRACE
from background.models import WorkerBeat
from core import logs, tracing
from core.errors import DEPENDENCY_ERRORS

logger = logging.getLogger("background.worker")

TICK_SECONDS = 5
# A task RUNNING this long is put back in the queue even if its worker still beats (a task
# stuck in a live worker).
ABANDONED_AFTER = timedelta(minutes=15)
# Beats of workers gone this long are forgotten.
FORGET_BEATS_AFTER = timedelta(days=1)


class RetryLater(Exception):
    """Raised by a task whose outside call failed in a way worth trying again."""


RETRYABLE = (RetryLater, *DEPENDENCY_ERRORS)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return timedelta(seconds=settings.TASKS_RETRY_SECONDS * 2 ** (attempts - 1))


class Worker(db_worker.Worker):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._stopped = threading.Event()  # set when run() ends: the beat thread stops

    @classmethod
    def in_process(cls, worker_id: str, *, batch: bool = False, interval: float = 1) -> Worker:
        """A worker on every queue of the default backend, run by code rather than by the
        command: `make run`'s embedded one, or a test's (`batch`: until nothing is due)."""
        return cls(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )

    def run(self) -> None:
        logger.info("worker %s started (queues %s)", self.worker_id, ",".join(self.queue_names))
        beating = None
        if not self.batch:  # a batch (a test's) beats in its ticks, in its own transaction
            beating = threading.Thread(
                target=self._beat_forever, daemon=True, name=f"beat-{self.worker_id}"
            )
            beating.start()
        try:
            self._loop()
        finally:
            self._stopped.set()
            if beating is not None:
                beating.join(timeout=TICK_SECONDS)
                self._forget_beat()
                connection.close()  # this thread's, as the beat thread closes its own

    def _loop(self) -> None:
        next_tick = 0.0
        while self.running:
            if not connection.in_atomic_block:  # (a test may run a worker inside its own)
                close_old_connections()
            claimed = None
            try:
                if time.monotonic() >= next_tick:
                    self.tick()
                    next_tick = time.monotonic() + TICK_SECONDS
                claimed = self.claim_next()
                if claimed is not None:
                    self.run_task(claimed)
            except DEPENDENCY_ERRORS as exc:
                # The database went away: wait and go on. A task claimed and not recorded
                # stays RUNNING and is queued again by `tick` after ABANDONED_AFTER.
                logger.warning("worker %s: the database is away: %s", self.worker_id, exc)
                if self.batch:
                    raise
            if claimed is None and self.batch:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self.running and claimed is None:
                time.sleep(self.interval)

    def beat(self) -> None:
        now = timezone.now()
        if not WorkerBeat.objects.filter(worker_id=self.worker_id).update(beat_at=now):
            WorkerBeat.objects.get_or_create(worker_id=self.worker_id, defaults={"beat_at": now})

    def _beat_forever(self) -> None:
        """The heartbeat thread: a beat every TICK_SECONDS until the worker stops, on a
        connection of its own (given back after each beat)."""
        while not self._stopped.is_set():
            try:
                self.beat()
            except DEPENDENCY_ERRORS as exc:
                logger.warning(
                    "worker %s: no heartbeat, the database is away: %s", self.worker_id, exc
                )
            finally:
                connection.close()
            self._stopped.wait(TICK_SECONDS)

    def _forget_beat(self) -> None:
        try:
            WorkerBeat.objects.filter(worker_id=self.worker_id).delete()
        except DEPENDENCY_ERRORS:
            pass  # its beat ages out as a dead worker's would

    def tick(self) -> None:
        """Enqueue the periodic jobs that are due; requeue tasks a dead worker left running."""
        now = timezone.now()
        if self.batch:
            self.beat()
        for name in periodic.enqueue_due(now):
            logger.info("periodic job %s enqueued", name)
        dead_after = timedelta(seconds=settings.TASKS_WORKER_DEAD_SECONDS)
        alive = set(
            WorkerBeat.objects.filter(beat_at__gte=now - dead_after).values_list(
                "worker_id", flat=True
            )
        )
        running = DBTaskResult.objects.filter(
            backend_name=self.backend_name,
            status=TaskResultStatus.RUNNING,
            started_at__lt=now - dead_after,
        ).values_list("pk", "worker_ids", "started_at")
        abandoned = [
            pk
            for pk, worker_ids, started_at in running
            if not worker_ids or worker_ids[-1] not in alive or started_at < now - ABANDONED_AFTER
        ]
        if abandoned:
            requeued = DBTaskResult.objects.filter(
                pk__in=abandoned, status=TaskResultStatus.RUNNING
            ).update(status=TaskResultStatus.READY)
            logger.warning("%d task(s) left running by a dead worker are queued again", requeued)
        WorkerBeat.objects.filter(beat_at__lt=now - FORGET_BEATS_AFTER).delete()

    def claim_next(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                claimed = tasks.get_locked()
            except OperationalError as exc:
                if is_locked_database_exception(exc):  # SQLite busy: try again later
                    return None
                raise
            if claimed is not None:
                claimed.claim(self.worker_id)
        return claimed

    def run_task(self, db_result: DBTaskResult) -> None:
        self.running_task = True
        try:
            task = db_result.task
            result = db_result.task_result
            kwargs = dict(result.kwargs)
            # The enqueuing request's id (background.backend), or the task's own.
            logs.request_id.set(kwargs.pop(REQUEST_ID, None) or f"task-{db_result.id}")
            carrier = kwargs.pop(TRACE, None)
            with tracing.span("task", carrier, task=db_result.task_path), transaction.atomic():
                if task.takes_context:
                    value = task.call(TaskContext(task_result=result), *result.args, **kwargs)
                else:
                    value = task.call(*result.args, **kwargs)
            db_result.set_successful(value)
            logger.info("task %s (%s) succeeded", db_result.id, db_result.task_path)
        except RETRYABLE as exc:
            attempts = len(db_result.worker_ids)
            if attempts >= settings.TASKS_MAX_ATTEMPTS:
                logger.error(
                    "task %s (%s) failed for good after %d attempts: %s",
                    db_result.id,
                    db_result.task_path,
                    attempts,
                    exc,
                )
                db_result.set_failed(exc)
            else:
                self.retry_later(db_result, exc, attempts)
        except Exception as exc:
            logger.exception("task %s (%s) failed", db_result.id, db_result.task_path)
            db_result.set_failed(exc)
        finally:
            self.running_task = False
            self._run_tasks += 1
            logs.request_id.set("-")

    def retry_later(self, db_result: DBTaskResult, exc: BaseException, attempts: int) -> None:
        delay = backoff(attempts)
        logger.warning(
            "task %s (%s) attempt %d failed (%s: %s); again in %ds",
            db_result.id,
            db_result.task_path,
            attempts,
            type(exc).__name__,
            exc,
            delay.total_seconds(),
        )
        DBTaskResult.objects.filter(pk=db_result.pk).update(
            status=TaskResultStatus.READY,
            run_after=timezone.now() + delay,
            exception_class_path=f"{type(exc).__module__}.{type(exc).__qualname__}",
            traceback=f"attempt {attempts} failed: {type(exc).__name__}: {exc}",
        )
