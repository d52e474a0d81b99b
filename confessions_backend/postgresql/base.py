"""Django's PostgreSQL backend, with timestamps read at C speed.

Django reads every `timestamptz` through a loader of its own that subclasses psycopg's
pure-Python one (to set the tzinfo it wants), so psycopg's C parser (psycopg[binary]) never
runs for timestamps: about 15 µs a value, some 0.6 ms of an inbox page's CPU. This loader
parses with the C one and sets the same tzinfo, which gives the same datetimes, because
Django sets the session's time zone to that one. Everything else is Django's.

settings.py names this module as the ENGINE for postgres:// URLs.
"""

from __future__ import annotations

from functools import lru_cache

from django.db.backends.postgresql import base
from psycopg import adapt, adapters
from psycopg.pq import Format

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


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if "context" in params:
            params["context"] = _with_fast_timestamps(params["context"])
        return params
