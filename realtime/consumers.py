"""The notifications socket, `/ws/notifications/` (DESIGN.md §3).

On connect: join the user's group first, then replay what the client missed (`?after=<id>`),
then go live. A push carries its frame and the id of the recipient's notification before it:
when that is the last id this socket sent, the frame goes out as it is (no database); else
the consumer sends, in id order, whatever is stored after the last id it sent. For one
recipient ids commit in order (`realtime.services.notify`), so this never skips, repeats or
reorders, even when a push arrives during the replay, arrives late, or is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from prometheus_client import Counter, Gauge

from core import logs, tracing
from core.errors import DEPENDENCY_ERRORS
from realtime import auth, preferences, previews, selectors, services
from realtime.groups import user_group

logger = logging.getLogger(__name__)

# The database or Redis away (or too slow): the socket closes 1013, try again later.
AWAY = (*DEPENDENCY_ERRORS, OSError)

REPLAY_BATCH = 200
MAX_FRAME_CHARS = 4096
# Token bucket for client frames: bursts of 20, 5 a second sustained.
# Prometheus (core.metrics): no user in any label. A frame is dropped when the socket was
# closing or a catch-up failed; the client finds it again with ?after= when it reconnects.
SOCKETS_OPEN = Gauge(
    "websocket_connections_open", "Authenticated sockets open now.", multiprocess_mode="livesum"
)
FRAMES_SENT = Counter("websocket_frames_sent", "Frames sent to clients (pushes, replays, pongs).")
FRAMES_DROPPED = Counter("websocket_frames_dropped", "Frames not sent: the socket was closing.")
CLOSES = Counter(
    "websocket_closes", "Sockets closed, by close code and by which side closed.", ["code", "by"]
)
_KNOWN_CLOSE_CODES = frozenset(range(1000, 1016)) | {
    value for name, value in vars(services).items() if name.startswith("CLOSE_")
}


def _count_close(code: int, *, by: str) -> None:
    # A client may close with any code from 3000 to 4999: those we did not define are "other".
    CLOSES.labels(str(code) if code in _KNOWN_CLOSE_CODES else "other", by).inc()


FLOOD_BURST = 20
FLOOD_PER_SECOND = 5.0


@database_sync_to_async
def _batch_after(user_id: int, after_id: int, silenced: frozenset[str]) -> list[dict]:
    batch = selectors.notification_batch_after(
        user_id=user_id, after_id=after_id, limit=REPLAY_BATCH, silenced=silenced
    )
    return previews.frames_of(user_id, batch)


@database_sync_to_async
def _latest_id(user_id: int) -> int:
    return selectors.notification_latest_id(user_id=user_id)


@database_sync_to_async
def _socket_opened(user_id: int, channel_name: str) -> list[str]:
    return services.socket_opened(
        user_id=user_id, channel_name=channel_name, limit=settings.SOCKETS_PER_USER
    )


_socket_closed = database_sync_to_async(services.socket_closed)


@database_sync_to_async
def _mark_read(user_id: int, up_to: int) -> int:
    return services.notifications_mark_read(user_id=user_id, up_to=up_to)


def _language_of(scope: dict, user) -> str:
    """What the handshake asked for (Accept-Language, as for any request), else the user's
    own language (set at sign-in or chosen), else the default."""
    accept = dict(scope.get("headers") or []).get(b"accept-language")
    if accept:
        request = HttpRequest()
        request.META["HTTP_ACCEPT_LANGUAGE"] = accept.decode("latin1")
        return translation.get_language_from_request(request)
    return user.language or settings.LANGUAGE_CODE


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat().replace("+00:00", "Z")


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    user_id: int | None = None
    # The token's deadline: a timer, not a sleeping task (a task and its coroutine kept per
    # idle socket for hours); when it fires, the close runs as a task of its own.
    expiry: asyncio.TimerHandle | None = None
    expiring: asyncio.Task | None = None
    silenced: frozenset[str] = frozenset()
    closing = False

    async def close(self, code=None, reason=None) -> None:
        """Once: the frames a client sent before it saw the close (a burst of pings past the
        flood limit) must not close it again or answer after it (uvicorn logs "Unexpected
        ASGI message 'websocket.close', after sending 'websocket.close'")."""
        if self.closing:
            return
        self.closing = True
        _count_close(code or 1000, by="server")
        await super().close(code=code, reason=reason)

    async def send_json(self, content, close=False) -> None:
        # AsyncJsonWebsocketConsumer's goes straight to the base class's send, past this one's.
        await self.send(text_data=await self.encode_json(content), close=close)

    async def send(self, text_data=None, bytes_data=None, close=False) -> None:
        if self.closing:
            FRAMES_DROPPED.inc()
            return
        await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        FRAMES_SENT.inc()

    async def connect(self) -> None:
        user = self.scope.get("user")
        # Accept-then-close: a refused handshake cannot carry a close code.
        await self.accept()
        if self.scope.get("unavailable") or self.channel_name is None:
            await self.close(code=services.CLOSE_TRY_AGAIN_LATER)
            return
        if user is None or not user.is_authenticated:
            await self.close(code=services.CLOSE_NOT_AUTHENTICATED)
            return
        self.language = _language_of(self.scope, user)
        # The types the user turned off on the socket (realtime.preferences): left out of the
        # catch-up; their pushes are never sent.
        self.silenced = preferences.silenced_on_socket(user)
        self.tokens = float(FLOOD_BURST)
        self.tokens_at = time.monotonic()
        self.sending = asyncio.Lock()
        self.group = user_group(user.pk)
        after = self._after_from_query()
        try:
            async with self.sending:
                # Where to start is fixed before joining the group, and everything stored
                # after it is sent once joined: whatever commits in between is neither lost
                # nor doubled.
                self.last_sent = await _latest_id(user.pk) if after is None else after
                await self.channel_layer.group_add(self.group, self.channel_name)
                self.user_id = user.pk
                SOCKETS_OPEN.inc()
                replaced = await _socket_opened(user.pk, self.channel_name)
                if replaced is None:  # the account was deleted during the handshake
                    await self.close(code=services.CLOSE_NOT_AUTHENTICATED)
                    return
                for channel in replaced:
                    await self.channel_layer.send(channel, {"type": "socket.replaced"})
                await self._send_pending()
        except AWAY as exc:
            await self._try_again_later("the socket's start", exc)
            return
        self._close_at(self.scope["token_expires_at"])

    def _after_from_query(self) -> int | None:
        values = parse_qs(self.scope.get("query_string", b"").decode("latin1")).get("after")
        if not values:
            return None
        try:
            return max(int(values[0]), 0)
        except ValueError:
            return 0

    async def _send_pending(self) -> None:
        while True:
            frames = await _batch_after(self.user_id, self.last_sent, self.silenced)
            for frame in frames:
                await self.send_json(frame)
                self.last_sent = frame["id"]
            if len(frames) < REPLAY_BATCH:
                return

    def _close_at(self, expires_at: float) -> None:
        """Close 4401 at `expires_at` (epoch seconds), in place of any deadline set before."""
        if self.expiry is not None:
            self.expiry.cancel()
        self.expiry = asyncio.get_running_loop().call_later(
            max(expires_at - time.time(), 0), self._expired
        )

    def _expired(self) -> None:
        self.expiring = asyncio.create_task(self.close(code=services.CLOSE_NOT_AUTHENTICATED))

    async def disconnect(self, code: int) -> None:
        if not self.closing:
            _count_close(code, by="client")
        if self.user_id is not None:
            SOCKETS_OPEN.dec()
            if self.expiry is not None:
                self.expiry.cancel()
            with contextlib.suppress(*AWAY):  # Redis away: its subscriptions went with it
                await self.channel_layer.group_discard(self.group, self.channel_name)
            with contextlib.suppress(*AWAY):  # the row goes when a newer socket passes the cap
                await _socket_closed(channel_name=self.channel_name)

    async def __call__(self, scope, receive, send) -> None:
        # Channels' own loop (await_many_dispatch) makes a task and an asyncio.wait per
        # message and runs close_old_connections on the sync thread before each handler: a
        # thread hop per frame, which capped the fan-out at a few thousand frames a second
        # (bench/RESULTS.md). Here the client's messages and the layer's are read by two
        # long-lived loops and handled one at a time, as Channels does; the layer's loop
        # starts once the handshake is handled, so a push never meets a half-connected
        # consumer, and an error in it ends the connection as an error in Channels' loop
        # would. Every database access goes through database_sync_to_async, which closes old
        # connections itself.
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        try:
            self.channel_name = await self.channel_layer.new_channel()
        except AWAY as exc:
            logger.warning("the channel layer is away: %s", type(exc).__name__)
            self.channel_name = None  # connect() closes 1013
        self.base_send = send
        self._handling = asyncio.Lock()
        self._failure: BaseException | None = None
        main = asyncio.current_task()
        pushes: asyncio.Task | None = None
        try:
            while True:
                message = await receive()
                async with self._handling:
                    await self.dispatch(message)
                if pushes is None and self.channel_name is not None:
                    pushes = asyncio.create_task(self._pushes())
                    pushes.add_done_callback(lambda task: self._pushes_ended(task, main))
        except StopConsumer:
            pass
        except asyncio.CancelledError:
            if self._failure is None:
                raise
            if not isinstance(self._failure, StopConsumer):
                raise self._failure from None
        finally:
            if pushes is not None and not pushes.done():
                pushes.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopConsumer):
                    await pushes
            elif pushes is None and self.channel_name is not None:
                with contextlib.suppress(*AWAY):
                    await self._forget_channel()

    async def _pushes(self) -> None:
        while True:
            message = await self.channel_layer.receive(self.channel_name)
            async with self._handling:
                await self.dispatch(message)

    def _pushes_ended(self, task: asyncio.Task, main: asyncio.Task) -> None:
        if task.cancelled():
            return
        # It ends only by StopConsumer or by an error; either way the connection ends here.
        self._failure = task.exception() or StopConsumer()
        main.cancel()

    async def _forget_channel(self) -> None:
        # Nothing waited on the channel: a receive cancelled at once makes the layer forget
        # it (channels_redis unsubscribes it; the in-memory layer drops it).
        waiting = asyncio.create_task(self.channel_layer.receive(self.channel_name))
        await asyncio.sleep(0)
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiting

    async def dispatch(self, message: dict) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- from the server ------------------------------------------------------------------

    async def notification_push(self, event: dict) -> None:
        # What this frame logs carries the id of the request that caused it (core.logs).
        logs.request_id.set(event.get("request_id") or "-")
        logger.debug("notification %s arrived", event.get("id"))
        if event.get("id", 0) <= self.last_sent:
            return
        async with self.sending:
            if event["id"] <= self.last_sent:
                return  # a replay running meanwhile sent it
            if event.get("previous") == self.last_sent and "text" in event:
                # The next one, and nothing missed before it: straight from the push.
                if tracing.enabled():  # a frame costs nothing more when not tracing
                    with tracing.span("push", event.get("trace"), notification=event["id"]):
                        await self.send(text_data=event["text"])
                else:
                    await self.send(text_data=event["text"])
                self.last_sent = event["id"]
                return
            try:
                await self._send_pending()  # a gap: whatever is stored after the last one sent
            except AWAY as exc:
                FRAMES_DROPPED.inc()  # the client catches up with ?after= when it reconnects
                await self._try_again_later("a replay", exc)

    async def session_close(self, event: dict) -> None:
        await self.close(code=event.get("code", services.CLOSE_NOT_AUTHENTICATED))

    async def socket_silence(self, event: dict) -> None:
        self.silenced = frozenset(event.get("types", ()))

    async def socket_replaced(self, event: dict) -> None:
        await self.close(code=services.CLOSE_REPLACED)

    # --- from the client ------------------------------------------------------------------

    async def websocket_receive(self, message: dict) -> None:
        if self.user_id is None or self.closing:
            return
        text = message.get("text")
        size = len(text) if text is not None else len(message.get("bytes") or b"")
        if size > MAX_FRAME_CHARS:
            await self.close(code=services.CLOSE_FRAME_TOO_LARGE)
            return
        if not self._take_token():
            await self.close(code=services.CLOSE_TOO_MANY_FRAMES)
            return
        if text is None:
            await self._error("bad_frame", _("Frames are JSON text, not binary."))
            return
        try:
            content = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: nested ~1,000 levels deep
            await self._error("bad_frame", _("Frames are JSON objects."))
            return
        await self.receive_json(content)

    def _take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(FLOOD_BURST, self.tokens + (now - self.tokens_at) * FLOOD_PER_SECOND)
        self.tokens_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    async def receive_json(self, content, **kwargs) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "auth":
            await self._renew(content.get("token"))
        elif kind == "ack":
            up_to = content.get("up_to")
            if not isinstance(up_to, int) or isinstance(up_to, bool) or up_to < 0:
                await self._error("bad_frame", _("ack needs an integer up_to."))
                return
            try:
                await _mark_read(self.user_id, up_to)
            except AWAY as exc:
                await self._try_again_later("an ack", exc)
        else:
            await self._error("unknown_type", _('Send {"type": "ping"}, an ack or an auth.'))

    async def _renew(self, token) -> None:
        """A fresh access token for the same user moves the socket's deadline to its expiry.
        A bad one is an error frame: the socket keeps its old deadline, and closes 4401 at it
        unless a good token comes first."""
        if not isinstance(token, str) or not token:
            await self._error("bad_frame", _("auth needs a token: an access token."))
            return
        try:
            user, expires_at = await auth.authenticate(token)
        except AWAY as exc:
            await self._try_again_later("a token renewal", exc)
            return
        if expires_at is None or user.pk != self.user_id:
            code = "token_expired" if auth.is_expired(token) else "not_authenticated"
            await self._error(code, _("That token does not renew this socket; get a fresh one."))
            return
        self._close_at(expires_at)
        await self.send_json({"type": "auth", "expires_at": _iso(expires_at)})

    async def _try_again_later(self, where: str, exc: BaseException) -> None:
        logger.warning("%s failed, the socket closes 1013: %s", where, type(exc).__name__)
        await self.close(code=services.CLOSE_TRY_AGAIN_LATER)

    async def _error(self, code: str, message) -> None:
        """An error frame, its message in the socket's language (`_language_of`)."""
        with translation.override(self.language):
            text = str(message)
        await self.send_json({"type": "error", "error": {"code": code, "message": text}})
