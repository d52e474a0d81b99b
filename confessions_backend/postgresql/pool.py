"""The connection pool, health-checked only where a check can find something.

psycopg's pool can check each connection as it hands it out (`ConnectionPool.check_connection`,
what Django's CONN_HEALTH_CHECKS asks for): a round trip to PostgreSQL on every request, some
4 % of an inbox page's CPU. A connection given back less than `RECENT_SECONDS` ago has just
worked, so it goes out unchecked; one that has waited longer (a quiet spell, in which
PostgreSQL may have restarted or dropped it) is checked, and replaced when it is dead. If the
server goes away in the instant between, the request meets the broken connection and answers
503 like any database failure; the pool then discards that connection (psycopg_pool drops a
connection returned broken).

The time a connection comes back is noted in `putconn`, in the request's own thread. (A
`reset` callback could note it too, but psycopg_pool then hands every returned connection to
its worker thread: a thread switch per request.)

The backend (`confessions_backend.postgresql.base`) makes Django's pool of this class.
"""

from __future__ import annotations

import time
from weakref import WeakKeyDictionary

import psycopg_pool

RECENT_SECONDS = 1.0


class ConnectionPool(psycopg_pool.ConnectionPool):
    def __init__(self, *args, **kwargs) -> None:
        self._returned_at: WeakKeyDictionary = WeakKeyDictionary()
        super().__init__(*args, check=self._check_unless_recent, **kwargs)

    def putconn(self, conn) -> None:
        self._returned_at[conn] = time.monotonic()
        super().putconn(conn)

    def _check_unless_recent(self, conn) -> None:
        """The pool's `check`: a round trip, unless the connection came back a moment ago."""
        if time.monotonic() - self._returned_at.get(conn, float("-inf")) > RECENT_SECONDS:
            self.check_connection(conn)
