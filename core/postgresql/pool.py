"""The connection pool, health-checked only where a check can find something.

psycopg's pool can check each connection as it hands it out (`ConnectionPool.check_connection`,
what Django's CONN_HEALTH_CHECKS asks for): a round trip to PostgreSQL on every request, some
4 % of an inbox page's CPU. A connection given back less than `RECENT_SECONDS` ago has just
worked, so it goes out unchecked; one that has waited longer (a quiet spell, in which
PostgreSQL may have restarted or dropped it) is checked, and replaced when it is dead. If the
server goes away in the instant between, the request meets the broken connection and answers
503 like any database failure; the pool then discards that connection (psycopg_pool drops a
connection returned broken).

A dead connection says the server may have gone away (a restart ends every connection), so
once one is found, by a check or given back broken by a request, none of the connections
waiting in the pool goes out unchecked until it has worked again: after a restart, at most
the request that met the first dead connection answers 503, and the next ones find live
connections, old ones checked and dropped, new ones made.

The checks are made here, in `getconn`, rather than by psycopg_pool's `check` callback: after
a failed check, that one waits 1 s, then 2 s, before it tries the next connection (its
reconnection backoff), so a pool of several dead connections ran past DATABASE_POOL_TIMEOUT
and answered 503 though the server was back. A dead connection costs no wait here; when the
server is down, every waiting connection fails its check at once and the request waits for a
new one, within the timeout, as psycopg_pool makes them.

The time a connection comes back is noted in `putconn`, in the request's own thread. (A
`reset` callback could note it too, but psycopg_pool then hands every returned connection to
its worker thread: a thread switch per request.)

The backend (`core.postgresql.base`) makes Django's pool of this class.
"""

from __future__ import annotations

import time
from weakref import WeakKeyDictionary

import psycopg_pool

RECENT_SECONDS = 1.0


class ConnectionPool(psycopg_pool.ConnectionPool):
    def __init__(self, *args, **kwargs) -> None:
        self._returned_at: WeakKeyDictionary = WeakKeyDictionary()
        super().__init__(*args, **kwargs)

    def getconn(self, timeout: float | None = None):
        """A live connection: one that has just worked, or one that passed a check (dead
        ones are dropped on the way, and each makes the others suspect)."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            conn = super().getconn(max(deadline - time.monotonic(), 0.0))
            if time.monotonic() - self._returned_at.pop(conn, float("-inf")) <= RECENT_SECONDS:
                return conn
            try:
                self.check_connection(conn)
            except Exception:
                self._suspect_all()
                super().putconn(conn)  # broken: psycopg_pool closes it and makes another
                continue
            return conn

    def putconn(self, conn) -> None:
        if conn.broken or conn.closed:
            self._suspect_all()
        else:
            self._returned_at[conn] = time.monotonic()
        super().putconn(conn)

    def _suspect_all(self) -> None:
        """No connection in the pool goes out unchecked until it has worked again."""
        self._returned_at.clear()
