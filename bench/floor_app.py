"""The inbox's floor: what the inbox page costs a server that does nothing but its database
work. A one-file Django view, like bench/baseline_app.py (no middleware, no DRF, no
rendering), that runs the very statements one inbox request runs (captured from the project,
with their values; since 2026-12-06 one: the page, with its media and the account's check in
it; before, the token's user, the page and its media), prepared, over a pooled psycopg
connection, then answers the page's captured bytes.

Between the one-file view and this, the database's share of the page; between this and the
inbox, the project's own code. Served like the project (`gunicorn bench.floor_app:application`)
with FLOOR_FILE naming what `capture` wrote and DATABASE_URL the bench database.

FLOOR_STATEMENTS says which of them it runs: `all` (the default), `page` (the page's statement
alone: the floor of a page read in one statement), or `none` (a pooled connection taken and
given back, no statement): how much of the gap to the one-file view is the statements'.

    floor_app.py capture <seed.json> <out.json>   (with the bench environment) one inbox
                                                   request, its statements and its answer
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

# The one-file view's settings, with this module's URL.
from bench.baseline_app import (  # noqa: E402, F401 - settings Django reads from this module
    ALLOWED_HOSTS,
    DEBUG,
    INSTALLED_APPS,
    MIDDLEWARE,
    SECRET_KEY,
    USE_TZ,
    one_file_application,
)

ROOT_URLCONF = __name__

_state: dict = {}


def _value(param):
    if isinstance(param, dict):
        return datetime.datetime.fromisoformat(param["datetime"])
    return param


def _load() -> dict:
    import psycopg_pool

    captured = json.loads(Path(os.environ["FLOOR_FILE"]).read_text())
    dsn = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    statements = [
        (query["sql"], [_value(param) for param in query["params"]])
        for query in captured["queries"]
    ]  # fmt: skip
    which = os.environ.get("FLOOR_STATEMENTS", "all")
    if which == "page":
        statements = [(sql, params) for sql, params in statements
                      if 'FROM "messages_app_confession"' in sql and "LIMIT" in sql]  # fmt: skip
        assert len(statements) == 1, "one page statement"
    elif which == "none":
        statements = []
    return {
        "statements": statements,
        "body": captured["body"].encode(),
        # As the project's pool: four connections a process, statements prepared, with
        # their generic plans (settings.py).
        "pool": psycopg_pool.ConnectionPool(
            dsn,
            min_size=1,
            max_size=4,
            open=True,
            kwargs={
                "autocommit": True,
                "prepare_threshold": 5,
                "options": "-c plan_cache_mode=force_generic_plan",
            },
        ),  # fmt: skip
    }


def inbox(request):
    import psycopg

    with _state["pool"].connection() as connection:
        cursor = psycopg.RawCursor(connection)
        for sql, params in _state["statements"]:
            cursor.execute(sql, params, prepare=True)
            cursor.fetchall()
    return HttpResponse(_state["body"], content_type="application/json")


urlpatterns = [path("", inbox)]

application = one_file_application(__name__, lambda: _state.update(_load()))


def capture(seed: dict, out: Path) -> None:
    """One inbox request through the project, its statements (as the prepared cursor sends
    them) and its answer, to `out`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confessions_backend.settings")
    from django.db import connection

    from bench.inprocess import caller
    from confessions_backend.wsgi import application as project
    from core.postgresql.base import _numbered

    queries, bodies = [], []

    def record(execute, sql, params, many, context):
        queries.append({"sql": _numbered(sql), "params": [
            {"datetime": param.isoformat()} if isinstance(param, datetime.datetime) else param
            for param in params or ()
        ]})  # fmt: skip
        return execute(sql, params, many, context)

    request = caller(project, "GET", "/api/v1/confessions/inbox", 200,
                     token=seed["tokens"]["bob"], sink=bodies.append)  # fmt: skip
    request()  # statements prepared, caches warm
    with connection.execute_wrapper(record):
        request()
    out.write_text(json.dumps({"queries": queries, "body": bodies[-1].decode()}))


if __name__ == "__main__" and sys.argv[1] == "capture":
    capture(json.loads(Path(sys.argv[2]).read_text()), Path(sys.argv[3]))
