"""Django's PostgreSQL backend, with timestamps read at C speed (and `json` by orjson).

Django reads every `timestamptz` through a loader of its own that subclasses psycopg's
pure-Python one (to set the tzinfo it wants), so psycopg's C parser (psycopg[binary]) never
runs for timestamps: about 15 µs a value, some 0.6 ms of an inbox page's CPU. This loader
parses with the C one and sets the same tzinfo, which gives the same datetimes, because
Django sets the session's time zone to that one. Everything else is Django's.

It also runs `core.compiled`'s statements (`fetch_prepared`): bound on the
server and prepared, so PostgreSQL plans an inbox page's query once per connection instead of
on every request (about 1 ms of its CPU each time), and psycopg reads that long SQL once per
process instead of on every execution. They run on one cursor kept per connection, without
Django's cursor wrapper around each (a new cursor and its wrapper cost about as much as a
one-row statement itself); Django's errors, its broken-transaction check and its query log
(DEBUG, assertNumQueries) stay: with the log on, they go through Django's cursor as before.

settings.py names this module as the ENGINE for postgres:// URLs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import count
from time import perf_counter

import orjson
from django.core.exceptions import ImproperlyConfigured
from django.db.backends import utils
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base, operations
from psycopg import RawCursor, adapt, adapters, errors
from psycopg.pq import Format

from core import tracing
from core.metrics import database_timer
from core.postgresql import pool

_TIMESTAMPTZ = adapters.types["timestamptz"].oid
_CLoader = adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)  # C when psycopg[binary] is there


class _FastTzLoader(adapt.Loader):
    timezone = None  # Django's: its create_cursor compares it with the connection's

    def __init__(self, oid: int, context=None) -> None:
        super().__init__(oid, context)
        self._parse = _CLoader(oid, context).load

    def load(self, data):
        value = self._parse(data)
        # The C parser gives the session's zone, Django's own object when it is UTC (psycopg
        # and Django both use `datetime.timezone.utc`): a replace (1 µs) only where it is not.
        if value.tzinfo is self.timezone:
            return value
        return value.replace(tzinfo=self.timezone)


class _OrjsonLoader(adapt.Loader):
    """`json` values (not `jsonb`, which Django reads as text for its JSONField) parsed by
    orjson: a page's media come as one `json` column (media_app.selectors.JsonRows)."""

    def load(self, data):
        return orjson.loads(data)


@lru_cache
def _with_fast_timestamps(template: adapt.AdaptersMap) -> adapt.AdaptersMap:
    django_loader = template.get_loader(_TIMESTAMPTZ, Format.TEXT)
    loader = type("FastTzLoader", (_FastTzLoader,), {"timezone": django_loader.timezone})
    faster = adapt.AdaptersMap(template)
    faster.register_loader("timestamptz", loader)
    faster.register_loader("json", _OrjsonLoader)
    return faster


_PLACEHOLDER = re.compile(r"%([s%])")


@lru_cache(maxsize=1024)
def _numbered(sql: str) -> str:
    """Django's `%s` placeholders as PostgreSQL's `$1, $2, ...` (and `%%` as `%`)."""
    numbers = count(1)
    return _PLACEHOLDER.sub(lambda m: f"${next(numbers)}" if m[1] == "s" else "%", sql)


_KEPT_CURSOR = "_confessions_prepared_cursor"


class PreparedCursor(RawCursor):
    """Takes Django's SQL, numbers its placeholders once, binds on the server and runs it as
    a prepared statement."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(_numbered(query), params, prepare=True, binary=binary)


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        # Django's own leaves it empty for a cursor that binds on the server.
        if isinstance(cursor, PreparedCursor):
            try:
                return self.compose_sql(sql, params)
            except errors.DataError:
                return None
        return super().last_executed_query(cursor, sql, params)


class _Timed:
    """Adds each statement's time to the request's timer, when one is current (core.metrics)."""

    def _execute(self, sql, params, *args):
        timer = database_timer.get()
        if timer is None:
            return super()._execute(sql, params, *args)  # type: ignore[misc]
        started = perf_counter()
        try:
            return super()._execute(sql, params, *args)  # type: ignore[misc]
        finally:
            timer.seconds += perf_counter() - started

    def _executemany(self, sql, param_list, *args):
        timer = database_timer.get()
        if timer is None:
            return super()._executemany(sql, param_list, *args)  # type: ignore[misc]
        started = perf_counter()
        try:
            return super()._executemany(sql, param_list, *args)  # type: ignore[misc]
        finally:
            timer.seconds += perf_counter() - started


class _TimedCursor(_Timed, utils.CursorWrapper):
    pass


class _TimedDebugCursor(_Timed, utils.CursorDebugWrapper):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    @property
    def pool(self):
        """Django's pool, made as Django makes it, but of `pool.ConnectionPool`, which
        health-checks a connection only when it has waited (one that has just worked goes out
        without a round trip) instead of on every checkout."""
        options = self.settings_dict["OPTIONS"].get("pool")
        if options and self.alias != NO_DB_ALIAS and self.alias not in self._connection_pools:
            if self.settings_dict.get("CONN_MAX_AGE", 0) != 0:
                raise ImproperlyConfigured("Pooling doesn't support persistent connections.")
            self._connection_pools.setdefault(
                self.alias,
                pool.ConnectionPool(
                    kwargs={**self.get_connection_params(), "autocommit": True},
                    open=False,
                    configure=self._configure_connection,
                    **({} if options is True else options),
                ),
            )
        return super().pool

    def fetch_prepared(self, sql: str, params: list) -> list[tuple]:
        """All rows of `sql` run prepared (`prepared_cursor`), on the cursor this connection
        keeps for it; through Django's own cursor when queries are logged or wrapped."""
        if tracing.enabled():  # psycopg's instrumentation does not see this cursor
            with tracing.statement(sql, database=self.settings_dict["NAME"]):
                return self._fetch_prepared(sql, params)
        return self._fetch_prepared(sql, params)

    def _fetch_prepared(self, sql: str, params: list) -> list[tuple]:
        if self.queries_logged or self.execute_wrappers or not self._prepares:
            with self.prepared_cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        self.close_if_health_check_failed()
        self.ensure_connection()
        self.validate_no_broken_transaction()
        # Kept on psycopg's connection, which outlives this wrapper's hold of it (the pool
        # lends it to one thread at a time), so it serves each request that borrows it.
        connection = self.connection
        cursor = getattr(connection, _KEPT_CURSOR, None)
        if cursor is None:
            cursor = PreparedCursor(connection)
            setattr(connection, _KEPT_CURSOR, cursor)
        timer = database_timer.get()
        started = perf_counter()
        try:
            with self.wrap_database_errors:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            if timer is not None:
                timer.seconds += perf_counter() - started

    def make_cursor(self, cursor):
        return _TimedCursor(cursor, self)

    def make_debug_cursor(self, cursor):
        return _TimedDebugCursor(cursor, self)

    @property
    def _prepares(self) -> bool:
        return self.settings_dict["OPTIONS"].get("prepare_threshold") is not None

    def prepared_cursor(self):
        """A cursor whose statements run prepared, wrapped as Django wraps its own (errors,
        query logging); the connection's ordinary one when prepared statements are off
        (DATABASE_PREPARED_STATEMENTS)."""
        if not self._prepares:
            return self.cursor()
        # Django's own `_cursor`, with this cursor class instead of the connection's.
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(PreparedCursor(self.connection))

    def get_connection_params(self):
        params = super().get_connection_params()
        if "context" in params:
            params["context"] = _with_fast_timestamps(params["context"])
        return params
