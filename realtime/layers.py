"""The channel layer: channels-redis's pub/sub layer, with a lighter inbox per socket.

channels-redis keeps an `asyncio.Queue` for every channel this process listens on, which is one
per open socket: 3.3 KB each (three deques and an event), about a tenth of what an idle
socket costs the server (bench/RESULTS.md). Each of our channels has one reader, the
consumer's push loop (realtime.consumers), so `_Inbox` keeps its messages in a list and at
most one waiting future. Everything else is channels-redis's (pinned in requirements.txt; its
`_subscribe_to_channel`, as of 4.3.0, with the queue swapped).
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisPubSubLoopLayer


class _Inbox:
    """The messages waiting on one channel, for one reader at a time: `put_nowait` and
    `get`, as channels-redis uses an `asyncio.Queue`. A reader cancelled while waiting
    leaves the messages where they are, for the next one."""

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


class _LoopLayer(RedisPubSubLoopLayer):
    async def _subscribe_to_channel(self, channel: str) -> None:
        self.channels[channel] = _Inbox()
        shard = self._get_shard(channel)
        await shard.subscribe(channel)


class PubSubChannelLayer(RedisPubSubChannelLayer):
    """settings.CHANNEL_LAYERS' backend where Redis is configured."""

    def _get_layer(self) -> RedisPubSubLoopLayer:
        # channels-redis makes (and closes with its loop) one layer per event loop; made
        # fresh, before any channel is subscribed, it becomes ours (a subclass that adds no
        # state, only how a channel's inbox is made).
        layer = super()._get_layer()
        if type(layer) is RedisPubSubLoopLayer:
            layer.__class__ = _LoopLayer
        return layer
