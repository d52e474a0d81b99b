"""The moderation app's background work."""

from __future__ import annotations

from django_tasks import task

from moderation import sanctions


@task()
def sanctions_expire() -> int:
    """End every timed sanction whose time has come (periodic: TASK_SCHEDULE)."""
    return sanctions.sanctions_expire()
