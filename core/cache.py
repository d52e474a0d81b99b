"""Django's Redis cache, with one redis-py client per connection pool instead of one per call.

Django's `RedisCacheClient.get_client` makes a new `redis.Redis` around the pool for every
cache call. redis-py 8 builds each new client's table of response callbacks (some 170
entries, each key upper-cased) in its constructor: about 0.33 ms of CPU a call, so a
throttle's read and write cost 0.7 ms (bench/RESULTS.md), more than a page's statement.
A client holds no connection of its own (it borrows one from the pool for each command) and
is safe to share between threads, so one is kept per pool.

settings.CACHES names `RedisCache` where Redis is configured.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache.backends import redis


class _KeptClients(redis.RedisCacheClient):
    # Django's own, which its type stubs leave out.
    _client: Any
    _get_connection_pool: Callable[[bool], Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}  # id of a pool (Django keeps each): its client

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _KeptClients
