"""Background tasks of media_app (thin: each calls a service)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from media_app import services


@task()
def media_cleanup(hours: int = 24) -> int:
    """Periodic: delete uploads never attached to anything after `hours`."""
    return services.media_cleanup(older_than=timedelta(hours=hours))
