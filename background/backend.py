"""django-tasks-db's backend, carrying the request id (core.logs) and the trace
(core.tracing) of whoever enqueued a task, so that the worker's log lines and spans about the
task join the request's."""

from __future__ import annotations

from typing import Any

from django_tasks_db import DatabaseBackend as _DatabaseBackend

from core import logs, tracing

# The keyword the id travels under; the worker takes it out before it calls the task.
REQUEST_ID = "_request_id"
TRACE = "_trace"  # the enqueuing request's trace (core.tracing), when tracing


class DatabaseBackend(_DatabaseBackend):
    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        current = logs.request_id.get()
        if current != "-":
            kwargs = {**kwargs, REQUEST_ID: current}
        carrier = tracing.inject()
        if carrier:
            kwargs = {**kwargs, TRACE: carrier}
        return super().enqueue(task, args, kwargs)
