"""realtime.layers: channels-redis's pub/sub layer with a one-reader inbox per channel."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from django.conf import settings

from realtime.inbox import Inbox
from realtime.layers import PubSubChannelLayer

pytestmark = pytest.mark.asyncio


async def test_the_inbox_hands_messages_over_in_order_to_a_reader_waiting_or_not():
    inbox = Inbox()
    inbox.put_nowait("first")
    inbox.put_nowait("second")
    assert await inbox.get() == "first"
    assert inbox.qsize() == 1
    assert await inbox.get() == "second"
    assert inbox.empty()
    waiting = asyncio.create_task(inbox.get())
    await asyncio.sleep(0)
    assert not waiting.done()
    inbox.put_nowait("third")
    assert await asyncio.wait_for(waiting, 1) == "third"


async def test_a_cancelled_reader_leaves_the_next_message_to_the_next_reader():
    inbox = Inbox()
    waiting = asyncio.create_task(inbox.get())
    await asyncio.sleep(0)
    waiting.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await waiting
    inbox.put_nowait("kept")
    assert await asyncio.wait_for(inbox.get(), 1) == "kept"


@pytest.mark.service("redis")
async def test_a_group_message_reaches_each_channel_of_the_group_through_redis():
    layer = PubSubChannelLayer(hosts=[settings.REDIS_URL])
    try:
        channels = [await layer.new_channel() for _ in range(3)]
        for channel in channels:
            await layer.group_add("people", channel)
        await layer.group_send("people", {"type": "hello", "n": 1})
        for channel in channels:
            assert await asyncio.wait_for(layer.receive(channel), 5) == {"type": "hello", "n": 1}
        # A channel's own message reaches it alone.
        await layer.send(channels[0], {"type": "just.you"})
        assert await asyncio.wait_for(layer.receive(channels[0]), 5) == {"type": "just.you"}
        assert all(isinstance(inbox, Inbox) for inbox in layer._get_layer().channels.values())
    finally:
        await layer.flush()
