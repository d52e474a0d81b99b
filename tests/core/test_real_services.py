"""Under CI's variables the suite really runs on PostgreSQL and Redis, not the embedded defaults."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django.db import connection


@pytest.mark.service("postgres")
@pytest.mark.django_db
def test_database_is_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        assert cursor.fetchone()[0].startswith("test_")


@pytest.mark.service("redis")
def test_cache_is_redis():
    key, value = f"probe-{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 10)
    client = cache._cache.get_client(key)  # the raw redis-py client behind Django's cache
    assert client.exists(cache.make_and_validate_key(key)) == 1
    assert cache.get(key) == value
    cache.delete(key)
