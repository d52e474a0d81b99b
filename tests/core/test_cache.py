"""The Redis cache (core.cache): Django's, keeping one redis-py client per connection pool."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.cache import cache

from core.cache import RedisCache

pytestmark = pytest.mark.service("redis")


def test_the_cache_is_ours_and_keeps_its_client():
    """A new redis-py client per call costs a third of a millisecond (its constructor builds
    its table of response callbacks): the same one serves every call on a pool."""
    from django.core.cache import caches

    assert isinstance(caches["default"], RedisCache)
    backend = caches["default"]._cache
    assert backend.get_client(write=True) is backend.get_client(write=True)
    assert backend.get_client("a") is backend.get_client("b")


def test_it_answers_as_django_s_does_from_several_threads():
    prefix = uuid.uuid4().hex
    failures: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                key = f"{prefix}:{n}:{i}"
                assert cache.add(key, i, 10)
                assert not cache.add(key, -1, 10)
                assert cache.incr(key) == i + 1
                assert cache.get(key) == i + 1
                cache.set(key, [n, i], 10)
                assert cache.get_many([key, f"{prefix}:none"]) == {key: [n, i]}
                assert cache.delete(key)
                assert cache.get(key, "gone") == "gone"
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
