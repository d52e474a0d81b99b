"""Cursor pagination: `{"results", "next"}`, newest first, stable while rows arrive."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.models import User
from core.pagination import CursorPagination

pytestmark = pytest.mark.django_db


class NewestUsersFirst(CursorPagination):
    # Users have no created_at; date_joined plays its part here.
    ordering = ("-date_joined", "-id")
    page_size = 2


def page(url: str) -> dict:
    paginator = NewestUsersFirst()
    request = Request(APIRequestFactory().get(url))
    rows = paginator.paginate_queryset(User.objects.all(), request)
    return paginator.get_paginated_response([user.username for user in rows]).data


def test_walks_every_row_once_newest_first():
    joined = timezone.now() - timedelta(hours=1)
    for index in range(5):
        User.objects.create(username=f"user{index}", date_joined=joined + timedelta(seconds=index))
    seen: list[str] = []
    url = "/api/v1/users"
    while url:
        body = page(url)
        assert set(body) == {"results", "next"}
        seen.extend(body["results"])
        url = body["next"]
        if len(seen) == 2:
            # A row arriving mid-walk neither repeats nor shifts what follows.
            User.objects.create(username="latecomer")
    assert seen == ["user4", "user3", "user2", "user1", "user0"]


def test_limit_is_capped():
    assert NewestUsersFirst().max_page_size == 100
    for index in range(3):
        User.objects.create(username=f"user{index}")
    assert len(page("/api/v1/users?limit=3")["results"]) == 3
    assert page("/api/v1/users?limit=3")["next"] is None
