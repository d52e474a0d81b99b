"""Pushes from sync code, off the request: one long-lived event loop thread per process.

A WSGI worker (gunicorn) has no event loop. `async_to_sync` made one, and so a fresh Redis
connection, for every push: about 2 ms of a send's CPU, and a request that waited for Redis
(up to the push timeout when Redis hangs). Here a push is handed to a daemon thread that runs
one event loop for the life of the process, keeps the channel layer's Redis connection open,
and sends pushes one after another in the order they were handed over. The request returns
at once whatever Redis does.

A push is a hint: the notification is stored before it is pushed, and a socket that misses
one (Redis away, the queue full, the process gone) replays from the database when the next
push shows a gap, or on reconnect. So what cannot be pushed is logged and dropped.

Only for channel layers that work from any event loop (channels_redis). The in-memory layer
of the embedded default lives in the one loop of its ASGI server, where `async_to_sync`
already goes: `realtime.services` keeps that path for it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from typing import Any

from channels.layers import get_channel_layer

logger = logging.getLogger("realtime.services")

QUEUE_LIMIT = 10_000


class Pusher:
    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue | None = None
        self._pid: int | None = None

    def submit(self, group: str, message: dict[str, Any]) -> None:
        loop, queue = self._started()
        loop.call_soon_threadsafe(self._enqueue, queue, group, message)

    def _enqueue(self, queue: asyncio.Queue, group: str, message: dict[str, Any]) -> None:
        try:
            queue.put_nowait((group, message))
        except asyncio.QueueFull:
            dropped(group, message, "QueueFull", f"{QUEUE_LIMIT} pushes waiting")

    def _started(self) -> tuple[asyncio.AbstractEventLoop, asyncio.Queue]:
        if self._pid != os.getpid():  # first use, or a forked worker: threads do not survive
            with self._lock:
                if self._pid != os.getpid():
                    ready = threading.Event()
                    thread = threading.Thread(
                        target=self._run, args=(ready,), name="realtime-pusher", daemon=True
                    )
                    thread.start()
                    ready.wait()
                    self._pid = os.getpid()
        return self._loop, self._queue

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop, self._queue = loop, asyncio.Queue(maxsize=QUEUE_LIMIT)
        loop.call_soon(ready.set)
        loop.run_until_complete(self._drain(self._queue))

    async def _drain(self, queue: asyncio.Queue) -> None:
        while True:
            group, message = await queue.get()
            try:
                layer = get_channel_layer()  # looked up each time: tests swap the settings
                await asyncio.wait_for(layer.group_send(group, message), timeout=self.timeout)
            except Exception as exc:  # noqa: BLE001 - a hint lost; the data is stored
                dropped(group, message, type(exc).__name__, str(exc))


def dropped(group: str, message: dict[str, Any], kind: str, detail: str) -> None:
    """Log a push that could not be sent (it waits for replay from the database)."""
    logger.warning(
        "push %s to %s failed (%s: %s); it waits for replay",
        message.get("type"),
        group,
        kind,
        detail,
    )
