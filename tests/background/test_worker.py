"""Background work: a task is a row of the caller's transaction, runs once, retries with
backoff, fails for good changing nothing, and the periodic jobs need no cron."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from background import periodic
from background.models import PeriodicJob
from background.worker import backoff
from tests.background.tasks import broken, flaky, marks, record
from tests.conftest import run_worker
from tests.servers import ROOT, database_url_of_test_database

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_periodic_jobs(settings):
    settings.TASK_SCHEDULE = {}


def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs(alice):
    def change_that_fails() -> None:
        with transaction.atomic():
            record.enqueue(alice.pk, 1)
            raise RuntimeError("the change that caused it failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not DBTaskResult.objects.exists()
    run_worker()
    assert marks() == 0


def test_a_committed_task_runs_once(alice):
    with transaction.atomic():
        result = record.enqueue(alice.pk, 1)
    run_worker()
    run_worker()
    assert marks(1) == 1
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == 1


def test_a_failing_outside_call_is_retried_with_backoff_then_succeeds(alice, settings):
    settings.TASKS_RETRY_SECONDS = 1
    settings.TASKS_MAX_ATTEMPTS = 5
    result = flaky.enqueue(alice.pk, 7, failures=2)
    run_worker()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.READY  # waiting for its second attempt
    assert timedelta(seconds=0.5) < row.run_after - timezone.now() <= backoff(1)
    assert "attempt 1" in row.traceback
    assert marks(7) == 0  # the failed attempt's writes were rolled back
    for _ in range(2):
        DBTaskResult.objects.filter(pk=result.id).update(run_after=timezone.now())  # time passes
        run_worker()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == 3
    assert len(row.worker_ids) == 3
    assert marks(7) == 1


def test_backoff_doubles(settings):
    settings.TASKS_RETRY_SECONDS = 10
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]


def test_retries_are_bounded_then_the_failure_is_recorded(alice, settings):
    settings.TASKS_MAX_ATTEMPTS = 3
    result = flaky.enqueue(alice.pk, 8, failures=99)
    for _ in range(5):
        DBTaskResult.objects.filter(pk=result.id, status=TaskResultStatus.READY).update(
            run_after=timezone.now()
        )
        run_worker()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == 3
    assert row.exception_class_path == "background.worker.RetryLater"
    assert "outside call down (attempt 3)" in row.traceback
    assert marks(8) == 0  # it failed for good and changed nothing


def test_a_bug_fails_at_once_and_changes_nothing(alice):
    result = broken.enqueue(alice.pk, 9)
    run_worker()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == 1
    assert "a bug" in row.traceback
    assert marks(9) == 0


def test_failed_tasks_are_visible_in_the_admin(alice, admin_client):
    result = broken.enqueue(alice.pk, 10)
    run_worker()
    listing = admin_client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert listing.status_code == 200
    assert "broken" in listing.content.decode()
    page = admin_client.get(f"/admin/django_tasks_database/dbtaskresult/{result.id}/change/")
    assert "a bug" in page.content.decode()


def test_a_task_a_dead_worker_left_running_is_run_again(alice):
    result = record.enqueue(alice.pk, 11)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
        worker_ids=["dead"],
    )
    run_worker()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.worker_ids == ["dead", "w1"]
    assert marks(11) == 1


def test_a_task_of_a_worker_that_stopped_beating_is_run_again_within_a_minute(alice):
    """A delivery whose worker died mid-task waited 15 minutes: now its worker's heartbeat
    says it is dead after TASKS_WORKER_DEAD_SECONDS."""
    from background.models import WorkerBeat

    now = timezone.now()
    WorkerBeat.objects.create(worker_id="dead", beat_at=now - timedelta(seconds=45))
    WorkerBeat.objects.create(worker_id="alive", beat_at=now - timedelta(seconds=2))
    orphan, busy = record.enqueue(alice.pk, 21), record.enqueue(alice.pk, 22)
    for result, worker in ((orphan, "dead"), (busy, "alive")):
        DBTaskResult.objects.filter(pk=result.id).update(
            status=TaskResultStatus.RUNNING,
            started_at=now - timedelta(seconds=40),
            worker_ids=[worker],
        )
    run_worker()
    assert DBTaskResult.objects.get(pk=orphan.id).status == TaskResultStatus.SUCCESSFUL
    assert marks(21) == 1
    # The live worker's task is its own business: not run a second time meanwhile.
    assert DBTaskResult.objects.get(pk=busy.id).status == TaskResultStatus.RUNNING
    assert marks(22) == 0


def test_a_running_worker_beats_from_its_own_thread_and_forgets_its_beat_when_it_stops(
    transactional_db,
):
    import threading
    import time

    from background.models import WorkerBeat
    from background.worker import Worker

    worker = Worker.in_process("beating", interval=0.05)
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        for _ in range(100):
            if WorkerBeat.objects.filter(worker_id="beating").exists():
                break
            time.sleep(0.05)
        assert WorkerBeat.objects.filter(worker_id="beating").exists()
    finally:
        worker.running = False
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert not WorkerBeat.objects.filter(worker_id="beating").exists()


def test_periodic_jobs_are_enqueued_once_per_period_by_any_number_of_workers(settings):
    settings.TASK_SCHEDULE = {"task_results_prune": timedelta(hours=1)}
    now = timezone.now()
    assert periodic.enqueue_due(now) == ["task_results_prune"]  # first seen: due at once
    assert periodic.enqueue_due(now) == []  # another worker, the same moment
    assert periodic.enqueue_due(now + timedelta(minutes=59)) == []
    assert periodic.enqueue_due(now + timedelta(minutes=61)) == ["task_results_prune"]
    assert periodic.enqueue_due(now + timedelta(minutes=62)) == []
    # A worker down for a day runs it once when it comes back, then keeps the beat.
    assert periodic.enqueue_due(now + timedelta(days=1, minutes=1)) == ["task_results_prune"]
    job = PeriodicJob.objects.get()
    assert job.next_run_at == now + timedelta(days=1, hours=1)
    assert DBTaskResult.objects.filter(task_path__endswith="task_results_prune").count() == 3


def test_the_schedule_names_every_periodic_job_and_each_has_a_task():
    from django.conf import settings as django_settings

    assert set(django_settings.TASK_SCHEDULE) <= set(periodic.registered())
    assert set(periodic.registered()) >= {
        "media_cleanup", "notifications_prune", "tokens_flush", "task_results_prune",
    }  # fmt: skip


def test_a_scheduled_name_without_a_task_fails_the_system_check(settings):
    settings.TASK_SCHEDULE = {"nobody_registered_me": timedelta(hours=1)}
    with pytest.raises(SystemCheckError, match="nobody_registered_me"):
        call_command("check")


def test_the_periodic_jobs_run_their_services(alice, settings):
    old = record.enqueue(alice.pk, 12)
    run_worker()
    DBTaskResult.objects.filter(pk=old.id).update(finished_at=timezone.now() - timedelta(days=8))
    settings.TASK_SCHEDULE = {
        "tokens_flush": timedelta(days=1), "task_results_prune": timedelta(days=1),
        "notifications_prune": timedelta(days=1), "media_cleanup": timedelta(hours=1),
    }  # fmt: skip
    run_worker()  # its first tick enqueues them all (first seen: due at once), then runs them
    assert not DBTaskResult.objects.filter(pk=old.id).exists()  # pruned
    ran = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL)
    assert {row.task_path.rsplit(".", 1)[1] for row in ran} == {
        "tokens_flush", "task_results_prune", "notifications_prune", "media_cleanup",
    }  # fmt: skip


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_postgresql_run_each_task_exactly_once(alice, tmp_path):
    for n in range(60):
        record.enqueue(alice.pk, n, seconds=0.03)
    environment = {**os.environ, "DATABASE_URL": database_url_of_test_database()}
    command = [sys.executable, "manage.py", "worker", "--batch", "--no-startup-delay",
               "--interval", "0", "--no-reload", "-v", "0"]  # fmt: skip
    workers = [
        subprocess.Popen([*command, "--worker-id", name], cwd=ROOT, env=environment)  # noqa: S603
        for name in ("one", "two")
    ]
    deadline = time.monotonic() + 60
    for worker in workers:
        assert worker.wait(timeout=max(deadline - time.monotonic(), 1)) == 0
    assert [marks(n) for n in range(60)] == [1] * 60
    rows = DBTaskResult.objects.filter(task_path__endswith=".record")
    assert {row.status for row in rows} == {TaskResultStatus.SUCCESSFUL}
    assert all(len(row.worker_ids) == 1 for row in rows)
    assert {row.worker_ids[0] for row in rows} == {"one", "two"}  # both took a share
