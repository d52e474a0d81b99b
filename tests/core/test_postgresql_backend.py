"""Our PostgreSQL backend reads timestamps with psycopg's C parser and gives the datetimes
Django's own loader gives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from psycopg.pq import Format
from psycopg.types.datetime import TimestamptzLoader as PythonLoader

from accounts.models import User

pytestmark = [pytest.mark.service("postgres"), pytest.mark.django_db]


def test_timestamps_load_through_the_c_parser_with_djangos_timezone():
    connection.ensure_connection()
    adapters = connection.connection.adapters
    loader = adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT)
    assert loader.__name__ == "FastTzLoader"
    assert not issubclass(loader, PythonLoader)
    assert loader.timezone == UTC


def test_a_session_zone_of_another_object_still_gives_djangos_tzinfo():
    # psycopg's C parser gives the session's zone: Django's own object for 'UTC' (no replace
    # needed), a ZoneInfo for 'Etc/UTC' (the same instant, replaced by Django's tzinfo).
    moment = datetime(2026, 11, 21, 18, 40, 57, 38484, tzinfo=UTC)
    for zone in ("UTC", "Etc/UTC"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL TIME ZONE '{zone}'")
            cursor.execute("SELECT %s::timestamptz", [moment])
            [(loaded,)] = cursor.fetchall()
        assert loaded == moment
        assert loaded.tzinfo is UTC, zone


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 21, 18, 40, 57, 38484, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2024, 2, 29, 0, 0, 0, 1, tzinfo=UTC),
    ],
)
def test_a_timestamp_comes_back_as_it_went_in(moment):
    user = User.objects.create_user(username="timekeeper", date_joined=moment)
    loaded = User.objects.values_list("date_joined", flat=True).get(pk=user.pk)
    assert loaded == moment
    assert loaded.utcoffset().total_seconds() == 0
    assert loaded.isoformat() == moment.isoformat()


def test_compiled_statements_run_on_one_cursor_kept_per_connection():
    """Without the query log, a compiled query runs on a cursor kept on psycopg's connection
    (no new cursor, no Django wrapper per statement) and gives what its queryset gives."""
    from core.compiled import CompiledQuery
    from core.postgresql.base import _KEPT_CURSOR, PreparedCursor

    users = [User.objects.create_user(username=f"kept{index}") for index in range(3)]
    named = CompiledQuery(
        lambda user: User.objects.filter(pk__gte=user).order_by("pk").values("id", "username"),
        user=int,
    )
    assert not connection.queries_logged
    first = named.rows(user=users[1].pk)
    kept = getattr(connection.connection, _KEPT_CURSOR)
    assert type(kept) is PreparedCursor
    assert named.rows(user=users[0].pk) == list(
        User.objects.filter(pk__gte=users[0].pk).order_by("pk").values("id", "username")
    )
    assert getattr(connection.connection, _KEPT_CURSOR) is kept
    assert first == [{"id": user.pk, "username": user.username} for user in users[1:]]


def test_the_kept_cursor_keeps_djangos_errors_and_transaction_rules():
    from django.db import DataError, transaction
    from django.db.transaction import TransactionManagementError

    assert not connection.queries_logged
    with pytest.raises(DataError), transaction.atomic():  # Django's error, not psycopg's
        connection.fetch_prepared("SELECT 1 / %s", [0])
    assert connection.fetch_prepared("SELECT %s::int + 1", [1]) == [(2,)]
    with transaction.atomic():
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            connection.fetch_prepared("SELECT 1", [])
