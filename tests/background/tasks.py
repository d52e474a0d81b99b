"""Tasks the background tests enqueue. Each leaves a mark (a Notification row of type
"test.ran") so a test can count how often it really ran."""

from __future__ import annotations

import time

from django_tasks import TaskContext, task

from background.worker import RetryLater
from realtime.models import Notification


def marks(n: int | None = None) -> int:
    rows = Notification.objects.filter(type="test.ran")
    return rows.filter(data__n=n).count() if n is not None else rows.count()


@task()
def record(user_id: int, n: int, seconds: float = 0.0) -> int:
    Notification.objects.create(recipient_id=user_id, type="test.ran", data={"n": n})
    time.sleep(seconds)
    return n


@task(takes_context=True)
def flaky(context: TaskContext, user_id: int, n: int, failures: int) -> int:
    """Leaves its mark, then fails as an outside call that is down would, on its first
    `failures` attempts (a failed attempt's mark is rolled back with it)."""
    Notification.objects.create(recipient_id=user_id, type="test.ran", data={"n": n})
    if context.attempt <= failures:
        raise RetryLater(f"outside call down (attempt {context.attempt})")
    return context.attempt


@task()
def broken(user_id: int, n: int) -> None:
    Notification.objects.create(recipient_id=user_id, type="test.ran", data={"n": n})
    raise ValueError("a bug")
