"""Background tasks of realtime (thin: each calls a service)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from realtime import services


@task()
def notifications_prune(days: int = 90) -> int:
    """Periodic: delete read notifications older than `days` (unread ones stay for replay)."""
    return services.notifications_prune(older_than=timedelta(days=days))
