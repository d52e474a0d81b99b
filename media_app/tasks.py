"""Background tasks of media_app (thin: each calls a service)."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from media_app import checks, services


@task()
def media_cleanup(hours: int = 24) -> int:
    """Periodic: delete uploads never attached to anything after `hours`."""
    return services.media_cleanup(older_than=timedelta(hours=hours))


@task()
def media_check_request(media_id: int) -> str:
    """Hand an upload to WeChat's image check."""
    return checks.media_check_request(media_id=media_id)


@task()
def media_check_expire(media_id: int) -> str:
    """30 minutes after the upload: no verdict means moderators decide."""
    return checks.media_check_expire(media_id=media_id)


@task()
def media_objects_delete(keys: list[str]) -> None:
    """Delete the objects of an upload that failed half-way (retried while storage is away)."""
    services.media_objects_delete(keys=keys)
