"""The one keyset pagination (core.pagination): `{"results", "next"}`, stable while rows
arrive, by time, by id or by offset, and a cursor of one kind never opens another's list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.models import Block, User
from core.errors import ApplicationError
from core.pagination import BY_ID, BY_OFFSET, Keyset, KeysetPagination, OldestFirst

pytestmark = pytest.mark.django_db


def page(url: str, paginator: KeysetPagination, queryset) -> dict:
    request = Request(APIRequestFactory().get(url))
    rows = paginator.paginate_queryset(queryset, request)
    return paginator.get_paginated_response([str(row.pk) for row in rows]).data


def walk(paginator: KeysetPagination, queryset, arrive=None) -> list[str]:
    seen: list[str] = []
    url = "/api/v1/blocks?limit=2"
    while url:
        body = page(url, paginator, queryset)
        assert set(body) == {"results", "next"}
        seen.extend(body["results"])
        url = body["next"]
        if len(seen) == 2 and arrive:
            arrive()  # a row arriving mid-walk neither repeats nor shifts what follows
    return seen


@pytest.fixture
def blocks():
    blocker = User.objects.create(username="blocker")
    written = timezone.now() - timedelta(hours=1)
    made = []
    for index in range(5):
        block = Block.objects.create(
            blocker=blocker, blocked=User.objects.create(username=f"u{index}")
        )
        # Two rows written in the same microsecond: the id breaks the tie.
        Block.objects.filter(pk=block.pk).update(created_at=written + timedelta(seconds=index // 2))
        made.append(block)
    made.sort(key=lambda block: (Block.objects.get(pk=block.pk).created_at, block.pk))
    return blocker, [str(block.pk) for block in made]


def test_by_time_walks_every_row_once_newest_first_and_oldest_first(blocks):
    blocker, oldest_first = blocks
    mine = Block.objects.filter(blocker=blocker)

    def arrive():
        Block.objects.create(blocker=blocker, blocked=User.objects.create(username="late"))

    assert walk(KeysetPagination(), mine, arrive) == oldest_first[::-1]
    assert (
        walk(
            OldestFirst(),
            Block.objects.filter(
                blocker=blocker, created_at__lt=timezone.now() - timedelta(minutes=1)
            ),
        )
        == oldest_first
    )


def test_by_id_walks_by_id(blocks):
    blocker, _ = blocks
    mine = Block.objects.filter(blocker=blocker)
    ids = [str(pk) for pk in sorted(mine.values_list("pk", flat=True))]
    assert walk(KeysetPagination(by=BY_ID, ascending=True), mine) == ids
    assert walk(KeysetPagination(by=BY_ID), mine) == ids[::-1]


def test_a_cursor_opens_only_its_own_kind_of_list(blocks):
    blocker, _ = blocks
    by_time = page("/x?limit=1", KeysetPagination(), Block.objects.filter(blocker=blocker))["next"]
    cursor = by_time.split("cursor=")[1]
    for kind in (BY_ID, BY_OFFSET):
        request = Request(APIRequestFactory().get(f"/x?cursor={cursor}"))
        with pytest.raises(ApplicationError) as refused:
            Keyset.of(request, by=kind)
        assert refused.value.code == "invalid_cursor"


def test_an_offset_cursor_goes_on_by_the_limit_and_no_further_than_allowed():
    request = Request(APIRequestFactory().get("/x?limit=7"))
    first = Keyset.of(request, by=BY_OFFSET, max_offset=10)
    assert (first.offset, first.first) == (0, True)
    following = first.offset_response(request, ["a"], more=True).data["next"]
    second = Keyset.of(Request(APIRequestFactory().get(following)), by=BY_OFFSET, max_offset=10)
    assert (second.offset, second.limit) == (7, 7)
    beyond = second.offset_response(request, ["b"], more=True).data["next"]
    with pytest.raises(ApplicationError):
        Keyset.of(Request(APIRequestFactory().get(beyond)), by=BY_OFFSET, max_offset=10)
    assert first.offset_response(request, [], more=False).data["next"] is None


def test_limit_is_capped(blocks):
    blocker, _ = blocks
    assert (
        len(
            page("/x?limit=3", KeysetPagination(), Block.objects.filter(blocker=blocker))["results"]
        )
        == 3
    )
    with pytest.raises(ApplicationError) as refused:
        page("/x?limit=101", KeysetPagination(), Block.objects.filter(blocker=blocker))
    assert refused.value.code == "invalid_limit"
