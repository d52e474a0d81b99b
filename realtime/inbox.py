"""`Inbox`: the messages waiting for one reader, lighter than an `asyncio.Queue`.

An `asyncio.Queue` is three deques and an event, about 3.3 KB, and the socket server keeps two
for every open socket: channels-redis' for the socket's channel (realtime.layers) and uvicorn's
for the events the application receives (realtime.protocol). Each has one reader at a time,
so a list and at most one waiting future do (bench/RESULTS.md).
"""

from __future__ import annotations

import asyncio
from typing import Any


class Inbox:
    """The messages waiting on one channel, for one reader at a time: `put_nowait` and
    `get`, as an `asyncio.Queue` is used. A reader cancelled while waiting leaves the
    messages where they are, for the next one."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> Any:
        while not self._items:
            if self._waiter is None or self._waiter.done():
                self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        return self._items.pop(0)

    def qsize(self) -> int:
        return len(self._items)

    def empty(self) -> bool:
        return not self._items
