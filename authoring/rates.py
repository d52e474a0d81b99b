"""How many an author may write an hour: one rule, each feature with its own count and its own
message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db.models import Count, Min, Model, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from core.compiled import CompiledQuery
from core.errors import ApplicationError


def in_the_window(model: type[Model], author_field: str) -> Callable[..., QuerySet]:
    """The author's rows of `model` since a time, counted, with the oldest: compile it once
    (`CompiledQuery(in_the_window(Post, "author_id"), author=int, since=datetime)`)."""
    return lambda author, since: (
        model._default_manager.filter(**{author_field: author}, created_at__gte=since)
        .values(author_field)
        .annotate(count=Count("id"), oldest=Min("created_at"))
    )


def check_rate(
    recent: CompiledQuery, *, author_id: int, limit: int, message: str | Promise
) -> None:
    """At most `limit` of the author's rows in the last hour (`recent`: an `in_the_window`
    query, compiled); past it 429 `throttled` with `message` (its `%(limit)d` filled in) and
    `Retry-After` until the oldest of them leaves the hour."""
    now = timezone.now()
    rows = recent.rows(author=author_id, since=now - timedelta(hours=1))
    if rows and rows[0]["count"] >= limit:
        wait = max(int((rows[0]["oldest"] + timedelta(hours=1) - now).total_seconds()), 1)
        raise ApplicationError(
            "throttled",
            str(message) % {"limit": limit},
            status=429,
            headers={"Retry-After": str(wait)},
        )
