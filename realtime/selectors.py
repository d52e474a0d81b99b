"""Reads of notifications; each is scoped to its recipient."""

from __future__ import annotations

from django.db.models import QuerySet

from core.compiled import CompiledQuery
from realtime.models import Notification


def notifications_after(*, user_id: int, after_id: int) -> QuerySet[Notification]:
    """The user's notifications with an id above `after_id`, oldest first."""
    return Notification.objects.filter(recipient_id=user_id, id__gt=after_id).order_by("id")


def notifications_between(
    *, user_id: int, after_id: int, before_id: int | None
) -> QuerySet[Notification]:
    """The user's notifications with an id above `after_id` and below `before_id` (if any)."""
    notifications = notifications_after(user_id=user_id, after_id=after_id)
    return notifications if before_id is None else notifications.filter(id__lt=before_id)


def notification_batch_after(
    *, user_id: int, after_id: int, limit: int, silenced: frozenset[str] = frozenset()
) -> list[Notification]:
    """The next `limit` after `after_id`, but for the types turned off on the socket."""
    found = notifications_after(user_id=user_id, after_id=after_id)
    if silenced:
        found = found.exclude(type__in=silenced)
    return list(found[:limit])


_newest = CompiledQuery(
    lambda user: Notification.objects.filter(recipient_id=user).order_by("-id").values("id")[:1],
    user=int,
)


def notification_latest_id(*, user_id: int) -> int:
    """The id of the user's newest notification, or 0 (one precompiled query)."""
    newest = _newest.rows(user=user_id)
    return newest[0]["id"] if newest else 0


def notifications_unread_count(*, user_id: int) -> int:
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()
