"""Read replicas (DATABASE_REPLICA_URLS): a request's reads go to a replica when they may,
and to the primary when they must.

- Writes, and every read of a request that writes (any method but GET, HEAD, OPTIONS), go
  to the primary; so does everything outside a request (tasks, sockets, commands).
- Read-your-writes: a user who wrote is read from the primary for
  DATABASE_REPLICA_STICKY_SECONDS after (a mark in the cache, by user id), so a confession
  just sent is in the sender's list at once, whatever the replica's lag.
- The admin (a session, not a bearer token) always reads the primary: moderators act on
  what they see.
- With Redis away, the mark can be neither read nor kept: reads go to the primary (nothing
  written can be missing there), and a write the database took is still answered as taken (a
  500 would have the client write it again); a warning says so.

The user of a read is known before the view authenticates it: from the bearer token's
`user_id`, read without checking its signature (the view checks it). A forged token can only
send its bearer's reads to the primary.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from contextvars import ContextVar

import jwt
import redis.exceptions
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

# The replica this request reads from; None: the primary.
_reads: ContextVar[str | None] = ContextVar("replica_reads", default=None)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The cache (Redis) did not answer.
CACHE_AWAY = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def current() -> str | None:
    """The alias the current request's reads go to, or None for the primary."""
    return _reads.get()


def _replicas() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def _user_of(request: HttpRequest) -> int | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    try:
        claims = jwt.decode(header[7:], options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    user = claims.get("user_id")
    return int(user) if isinstance(user, int | str) and str(user).isdigit() else None


def _mark(user_id: int) -> str:
    return f"replicas:wrote:{user_id}"


class ReplicaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.replicas = _replicas()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.replicas:
            return self.get_response(request)
        user = _user_of(request)
        reads = None
        if request.method in SAFE_METHODS and "sessionid" not in request.COOKIES:
            if user is None or not self._wrote_lately(user):
                reads = random.choice(self.replicas)  # noqa: S311 - spreading load, not a secret
        token = _reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if request.method not in SAFE_METHODS and user is not None:
            try:
                cache.set(_mark(user), 1, timeout=settings.DATABASE_REPLICA_STICKY_SECONDS)
            except CACHE_AWAY as exc:
                logger.warning("read-your-writes mark not kept, the cache is away: %s", exc)
        return response

    @staticmethod
    def _wrote_lately(user: int) -> bool:
        try:
            return bool(cache.get(_mark(user)))
        except CACHE_AWAY as exc:
            logger.warning("read-your-writes mark unread, reading the primary: %s", exc)
            return True


class ReplicaRouter:
    """Reads where the request may (`current()`), writes and migrations on the primary."""

    def db_for_read(self, model: type, **hints: object) -> str | None:
        return _reads.get()

    def db_for_write(self, model: type, **hints: object) -> str:
        return "default"

    def allow_relation(self, first: object, second: object, **hints: object) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool:
        return db == "default"
