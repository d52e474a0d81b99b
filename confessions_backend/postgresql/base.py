"""Django's PostgreSQL backend, with timestamps read at C speed.

Django reads every `timestamptz` through a loader of its own that subclasses psycopg's
pure-Python one (to set the tzinfo it wants), so psycopg's C parser (psycopg[binary]) never
runs for timestamps: about 15 µs a value, some 0.6 ms of an inbox page's CPU. This loader
parses with the C one and sets the same tzinfo, which gives the same datetimes, because
Django sets the session's time zone to that one. Everything else is Django's.

It also gives `confessions_backend.compiled` its cursor (`prepared_cursor`): one that binds
on the server and runs each statement prepared, so PostgreSQL plans an inbox page's query once
per connection instead of on every request (about 1 ms of its CPU each time), and psycopg
reads that long SQL once per process instead of on every execution.

settings.py names this module as the ENGINE for postgres:// URLs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import count

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base, operations
from psycopg import RawCursor, adapt, adapters, errors
from psycopg.pq import Format

from confessions_backend.postgresql import pool

_TIMESTAMPTZ = adapters.types["timestamptz"].oid
_CLoader = adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)  # C when psycopg[binary] is there


class _FastTzLoader(adapt.Loader):
    timezone = None  # Django's: its create_cursor compares it with the connection's

    def __init__(self, oid: int, context=None) -> None:
        super().__init__(oid, context)
        self._parse = _CLoader(oid, context).load

    def load(self, data):
        return self._parse(data).replace(tzinfo=self.timezone)


@lru_cache
def _with_fast_timestamps(template: adapt.AdaptersMap) -> adapt.AdaptersMap:
    django_loader = template.get_loader(_TIMESTAMPTZ, Format.TEXT)
    loader = type("FastTzLoader", (_FastTzLoader,), {"timezone": django_loader.timezone})
    faster = adapt.AdaptersMap(template)
    faster.register_loader("timestamptz", loader)
    return faster


_PLACEHOLDER = re.compile(r"%([s%])")


@lru_cache(maxsize=1024)
def _numbered(sql: str) -> str:
    """Django's `%s` placeholders as PostgreSQL's `$1, $2, ...` (and `%%` as `%`)."""
    numbers = count(1)
    return _PLACEHOLDER.sub(lambda m: f"${next(numbers)}" if m[1] == "s" else "%", sql)


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
            self._connection_pools.setdefault(self.alias, pool.ConnectionPool(
                kwargs={**self.get_connection_params(), "autocommit": True},
                open=False,
                configure=self._configure_connection,
                **({} if options is True else options),
            ))  # fmt: skip
        return super().pool

    def prepared_cursor(self):
        """A cursor whose statements run prepared, wrapped as Django wraps its own (errors,
        query logging); the connection's ordinary one when prepared statements are off
        (DATABASE_PREPARED_STATEMENTS)."""
        if self.settings_dict["OPTIONS"].get("prepare_threshold") is None:
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
