"""For one recipient, notification ids commit in id order (what replay-by-id relies on)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from channels.layers import get_channel_layer
from django.db import connections, transaction

from realtime import services
from realtime.groups import user_group
from realtime.models import Notification

pytestmark = [pytest.mark.service("postgres"), pytest.mark.django_db(transaction=True)]


def test_a_later_notification_waits_for_an_earlier_uncommitted_one(alice, bob):
    first_inserted = threading.Event()
    committed: list[tuple[str, int, float]] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                notification = services.notify(user=alice, type="confession.read", data={})
                first_inserted.set()
                time.sleep(0.5)  # the caller's transaction goes on after notify
            committed.append(("first", notification.pk, time.monotonic()))
        finally:
            connections.close_all()

    def quick_writer() -> None:
        try:
            first_inserted.wait(5)
            notification = services.notify(user=alice, type="confession.read", data={})
            committed.append(("second", notification.pk, time.monotonic()))
            # Someone else's notifications are not held up.
            services.notify(user=bob, type="confession.read", data={})
            committed.append(("bob", 0, time.monotonic()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=slow_writer), threading.Thread(target=quick_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    order = {name: (pk, at) for name, pk, at in committed}
    assert order["first"][0] < order["second"][0]
    # The second committed only after the first: no client can see id N+1 while N is missing.
    assert order["second"][1] >= order["first"][1]
    assert Notification.objects.filter(recipient=alice).count() == 2


def _notify_and_close(user, *, hold: threading.Event | None = None) -> Notification:
    """notify() on a thread of its own; with `hold`, in a transaction that stays open 0.5 s
    after `hold` is set."""
    try:
        with transaction.atomic():
            notification = services.notify(user=user, type="confession.read", data={})
            if hold is not None:
                hold.set()
                time.sleep(0.5)
        return notification
    finally:
        connections.close_all()


@pytest.mark.asyncio
async def test_each_push_names_the_notification_before_it_even_one_it_waited_for(alice, bob):
    """The push's `previous` (what lets an up-to-date socket send it without the database) is
    the recipient's newest notification before it, read once the recipient is locked: so a
    notification that waited for an earlier, uncommitted one names that one, and another
    user's never counts."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(user_group(alice.pk), channel)
    inserted = threading.Event()
    slow = asyncio.create_task(asyncio.to_thread(_notify_and_close, alice, hold=inserted))
    assert await asyncio.to_thread(inserted.wait, 5)
    await asyncio.to_thread(_notify_and_close, bob)
    quick = await asyncio.to_thread(_notify_and_close, alice)
    first = await slow
    last = await asyncio.to_thread(_notify_and_close, alice)
    pushes = [await asyncio.wait_for(layer.receive(channel), 5) for _ in range(3)]
    assert [(push["id"], push["previous"]) for push in pushes] == [
        (first.pk, 0),
        (quick.pk, first.pk),
        (last.pk, quick.pk),
    ]
    await layer.group_discard(user_group(alice.pk), channel)
