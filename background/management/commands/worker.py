"""`python manage.py worker`: runs background tasks (background.worker.Worker)."""

from __future__ import annotations

from django_tasks_db.management.commands import db_worker

from background.worker import Worker


class Command(db_worker.Command):
    help = (
        "Run background tasks: retries with backoff, the periodic jobs of "
        "settings.TASK_SCHEDULE, any number of workers sharing the queue."
    )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        worker.configure_signals()
        worker.run()
