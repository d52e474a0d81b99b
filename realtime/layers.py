"""The channel layer: channels-redis's pub/sub layer, with a lighter inbox per socket.

channels-redis keeps an `asyncio.Queue` for every channel this process listens on, which is one
per open socket: 3.3 KB each (three deques and an event), about a tenth of what an idle
socket costs the server (bench/RESULTS.md). Each of our channels has one reader, the
consumer's push loop (realtime.consumers), so it is an `Inbox` (realtime.inbox) instead.
Everything else is channels-redis's (pinned in requirements.txt; its
`_subscribe_to_channel`, as of 4.3.0, with the queue swapped).
"""

from __future__ import annotations

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisPubSubLoopLayer

from realtime.inbox import Inbox


class _LoopLayer(RedisPubSubLoopLayer):
    async def _subscribe_to_channel(self, channel: str) -> None:
        self.channels[channel] = Inbox()
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
