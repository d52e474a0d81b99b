"""Our PostgreSQL backend reads timestamps with psycopg's C parser and gives the datetimes
Django's own loader gives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
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
