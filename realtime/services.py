"""Every write of the realtime app, and the pushes that follow them.

Store, then push: `notify` writes the Notification in the caller's transaction and pushes it
to the recipient's sockets only after that transaction commits. The push carries the frame
and the id of the recipient's previous notification, so a socket that is up to date sends it
without touching the database; any other socket replays from the database. A push that
fails (Redis away) is logged and dropped; the notification is already stored and reaches the
client on replay.
"""

from __future__ import annotations

import asyncio
import functools
import json
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import Field
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts.models import User
from core import logs, tracing
from core.compiled import plain_save
from realtime import events, hooks, preferences, previews, selectors
from realtime.groups import user_group
from realtime.models import Notification, OpenSocket
from realtime.pusher import Pusher, dropped

PUSH_TIMEOUT_SECONDS = 2.0
_pusher = Pusher(timeout=PUSH_TIMEOUT_SECONDS)

# Close codes of the notifications socket (docs/api.md, "Notifications and the WebSocket").
CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_BANNED = 4403
CLOSE_REPLACED = 4409  # the user opened more sockets than the cap: this, the oldest, went
CLOSE_FRAME_TOO_LARGE = 4413
CLOSE_TOO_MANY_FRAMES = 4429
CLOSE_TRY_AGAIN_LATER = 1013  # the database or Redis is away: come back with the same token


def _group_send(user_id: int, message: dict[str, Any]) -> None:
    """Best effort: the caller's data is already committed whatever happens here. Through
    the process's pusher thread where the layer allows it (realtime.pusher): the caller does
    not wait for Redis."""
    layer = get_channel_layer()
    if not isinstance(layer, InMemoryChannelLayer):
        _pusher.submit(user_group(user_id), message)
        return

    async def send() -> None:
        await asyncio.wait_for(
            layer.group_send(user_group(user_id), message), timeout=PUSH_TIMEOUT_SECONDS
        )

    try:
        async_to_sync(send)()
    except Exception as exc:  # noqa: BLE001 - a hint lost; the data is stored
        dropped(user_group(user_id), message, type(exc).__name__, str(exc))


def notify(
    *,
    user: User,
    type: str,
    data: dict[str, Any],
    locked: bool = False,
    preview: str | None = None,
) -> Notification:
    """Store a notification for `user` and push it to their sockets after commit.

    Runs inside the caller's transaction (one is opened if there is none), so a rolled-back
    write never notifies anyone. Ids of one recipient grow in commit order: the recipient's
    user row is locked until commit, so a second notification for them waits, and takes a
    higher id, until the first is visible. (SQLite serializes all writers anyway.) `locked`:
    the caller's transaction already holds that lock (a delivery locks both people).
    `preview`: the text being delivered, for the push (realtime.previews); without it, the
    type's preview provider decides, as for a read from the database.
    """
    if not events.is_registered(type):
        raise ValueError(f"unknown notification type {type!r}")
    # No savepoint of its own (two round trips): an error here fails the caller's work anyway.
    with transaction.atomic(savepoint=False):
        if not locked and connection.features.has_select_for_update:
            account_selectors.lock_account(user_id=user.pk)
        # With the recipient locked, their newest notification is the one just before this:
        # a socket that sent exactly that one can send this one straight from the push.
        notification, previous = _store(user, type, data)
        hooks.notification_stored.call(notification)
        if not preferences.allows(user, type, "socket"):
            return notification  # stored and listed, never pushed (realtime.preferences)
        if preview is None:
            [preview] = previews.previews_of(user.pk, [notification])
        else:
            preview = previews.snippet(preview)
        push = {
            "type": "notification.push",
            "id": notification.pk,
            "previous": previous,
            # Serialized once here, not once per socket of the recipient.
            "text": json.dumps(notification.as_frame(preview), cls=DjangoJSONEncoder),
            # For the socket's log lines: the request that caused it (core.logs), never sent.
            "request_id": logs.request_id.get(),
            # The trace it belongs to, when tracing (core.tracing): the socket's span joins it.
            "trace": tracing.inject(),
        }
        transaction.on_commit(lambda: _group_send(user.pk, push), robust=True)
    return notification


def _store(user: User, type: str, data: dict[str, Any]) -> tuple[Notification, int]:
    """The notification written, and the id of the recipient's newest one before it (0 for
    none). On PostgreSQL one statement does both (`_insert_after_newest`); elsewhere, or
    where a save of a notification runs more than its statement (`plain_save`), two."""
    fetch = getattr(connection, "fetch_prepared", None)
    if fetch is None or not plain_save(Notification):
        previous = selectors.notification_latest_id(user_id=user.pk)
        return Notification.objects.create(recipient=user, type=type, data=data), previous
    fields = _notification_fields()
    created_at = timezone.now()
    values = {"recipient": user.pk, "type": type, "data": data, "created_at": created_at}
    params = [user.pk]
    params += [fields[name].get_db_prep_save(value, connection) for name, value in values.items()]
    [(pk, previous)] = fetch(_insert_after_newest(), params)
    notification = Notification.from_db(
        connection.alias,
        ["id", "recipient_id", "type", "data", "created_at", "read_at"],
        [pk, user.pk, type, data, created_at, None],
    )
    notification.recipient = user
    return notification, previous or 0


@functools.cache
def _notification_fields() -> dict[str, Field[Any, Any]]:
    return {field.name: field for field in Notification._meta.concrete_fields}


@functools.cache
def _insert_after_newest() -> str:
    """INSERT ... RETURNING the new id and the recipient's newest before it. The statement
    reads that one with its own snapshot, which holds neither the row it writes (PostgreSQL:
    a statement never sees its own writes) nor any other one's that is not committed; taken
    once the recipient is locked, it misses no committed one either (as the separate read
    did before: one round trip a notification less, bench/RESULTS.md)."""
    fields = _notification_fields()
    quote = connection.ops.quote_name
    table, pk = quote(Notification._meta.db_table), quote(fields["id"].column)
    recipient = quote(fields["recipient"].column)
    columns = ", ".join(
        quote(fields[name].column) for name in ("recipient", "type", "data", "created_at")
    )
    return (
        f"WITH previous AS (SELECT {pk} FROM {table} WHERE {recipient} = %s "  # noqa: S608
        f"ORDER BY {pk} DESC LIMIT 1) "
        f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s) "
        f"RETURNING {pk}, (SELECT {pk} FROM previous)"
    )


def socket_opened(*, user_id: int, channel_name: str, limit: int) -> list[str] | None:
    """Record a socket of `user_id`; returns the channel names of their oldest sockets past
    `limit`, which the caller tells to close with `CLOSE_REPLACED`, or None when the user is
    gone (deleted during the handshake). Of two sockets opened at once, one waits for the
    other (the user row is locked), so they never both keep one too many.

    SQLite locks no row, and checks foreign keys at COMMIT: a user deleted meanwhile fails
    the commit itself (the embedded default's consumer crashed on it), so the whole
    transaction is what answers None."""
    try:
        with transaction.atomic():
            if connection.features.has_select_for_update:
                if not account_selectors.lock_account(user_id=user_id):
                    return None
            OpenSocket.objects.create(user_id=user_id, channel_name=channel_name)
            excess = list(
                OpenSocket.objects.filter(user_id=user_id)
                .order_by("-id")
                .values_list("id", "channel_name")[limit:]
            )
            if excess:
                OpenSocket.objects.filter(id__in=[pk for pk, _ in excess]).delete()
    except IntegrityError:  # the user went meanwhile (SQLite: found at COMMIT)
        return None
    return [name for _, name in excess]


def socket_closed(*, channel_name: str) -> None:
    OpenSocket.objects.filter(channel_name=channel_name).delete()


@transaction.atomic
def notifications_mark_read(*, user_id: int, up_to: int) -> int:
    """Mark the user's unread notifications with id <= `up_to` read; returns how many."""
    return Notification.objects.filter(
        recipient_id=user_id, id__lte=up_to, read_at__isnull=True
    ).update(read_at=timezone.now())


def sockets_silence(*, user_id: int, types: list[str]) -> None:
    """Tell every socket `user_id` has open which types they turned off on the socket
    (realtime.preferences): a socket leaves those out from then on."""
    _group_send(user_id, {"type": "socket.silence", "types": types})


def sessions_close(*, user_id: int, code: int) -> None:
    """Close every socket `user_id` has open, on every server process, with `code`."""
    _group_send(user_id, {"type": "session.close", "code": code})


@transaction.atomic
def notifications_prune(*, older_than: timedelta) -> int:
    """Delete read notifications older than `older_than`. Unread ones are kept whatever their
    age: a client that has been away replays them. Returns how many went."""
    deleted, _ = Notification.objects.filter(
        read_at__isnull=False, created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
