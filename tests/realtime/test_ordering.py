"""For one recipient, notification ids commit in id order (what replay-by-id relies on)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections, transaction

from realtime import services
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
