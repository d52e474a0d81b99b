"""The connection pool's health check, paid only where it can find something.

psycopg's pool can check each connection as it hands it out (`ConnectionPool.check_connection`,
what Django's CONN_HEALTH_CHECKS asks for): a round trip to PostgreSQL on every request, some
4 % of an inbox page's CPU. A connection given back less than `RECENT_SECONDS` ago has just
worked, so it goes out unchecked; one that has waited longer (a quiet spell, in which
PostgreSQL may have restarted or dropped it) is checked, and replaced when it is dead. If the
server goes away in the instant between, the request meets the broken connection and answers
503 like any database failure; the pool then discards that connection (psycopg_pool drops a
connection returned broken).

The backend (`confessions_backend.postgresql.base`) makes Django's pool with these as its
`check` and `reset`.
"""

from __future__ import annotations

import time
from weakref import WeakKeyDictionary

from psycopg_pool import ConnectionPool

RECENT_SECONDS = 1.0
_returned_at: WeakKeyDictionary = WeakKeyDictionary()


def returned(connection) -> None:
    """The pool's `reset`: note when the connection came back."""
    _returned_at[connection] = time.monotonic()


def check(connection) -> None:
    """The pool's `check`: a round trip, unless the connection came back a moment ago."""
    if time.monotonic() - _returned_at.get(connection, float("-inf")) > RECENT_SECONDS:
        ConnectionPool.check_connection(connection)
