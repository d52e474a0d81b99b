"""A worker inside the ASGI server process, for `make run` (TASKS_WORKER_IN_SERVER=1).

The embedded default has no Redis: its channel layer lives in the server's event loop, so a
worker in another process could store a notification but never push it to a socket. This one
runs on a thread the server's loop lent it (`sync_to_async`), where a push goes to that loop as
a request's does. It starts and stops with the server (ASGI lifespan). In production, workers
are their own processes (`python manage.py worker`) and pushes go through Redis.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from asgiref.sync import sync_to_async
from django.utils.crypto import get_random_string

from background.worker import Worker

logger = logging.getLogger("background.worker")


class EmbeddedWorkerLifespan:
    """The ASGI `lifespan` handler: a worker from startup to shutdown."""

    def __init__(self) -> None:
        self.worker: Worker | None = None
        self.running: asyncio.Task | None = None

    async def __call__(self, scope: dict[str, Any], receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def start(self) -> None:
        self.worker = Worker.in_process("embedded-" + get_random_string(12))
        run = sync_to_async(self.worker.run, thread_sensitive=False)
        self.running = asyncio.ensure_future(run())

    async def stop(self) -> None:
        if self.worker is None or self.running is None:
            return
        self.worker.running = False  # it ends after the task or the pause it is in
        try:
            await asyncio.wait_for(self.running, timeout=30)
        except Exception:  # noqa: BLE001 - shutting down whatever happened
            logger.exception("the embedded worker did not stop cleanly")
