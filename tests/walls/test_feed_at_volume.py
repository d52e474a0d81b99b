"""The feeds of a busy wall: `new` walks its index to the page's end instead of sorting the
wall, and `hot` ranks a wall once in a while per process while what each reader sees of the
ranking is decided at every read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from accounts import services as account_services
from core.moderated import Status
from core.pagination import BY_OFFSET, Keyset
from core.postgresql.base import _numbered
from tests.factories import client_of
from tests.walls.test_walls import feed, joined, posted
from walls.models import Post, Wall

pytestmark = pytest.mark.django_db


def generic_plan(sql: str, params: list) -> str:
    """PostgreSQL's plan for `sql` as the hot reads run it: prepared, with the generic plan
    (settings: plan_cache_mode), not one made for these values."""
    placeholders = ", ".join(["%s"] * len(params))
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE feed_plan AS {_numbered(sql)}")
        try:
            cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            cursor.execute(f"EXPLAIN EXECUTE feed_plan({placeholders})", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE feed_plan")


def page_plan(read: Callable[[], Any]) -> tuple[str, Any]:
    """The generic plan (`generic_plan`) of the one page statement of posts that `read()`
    runs, and what `read()` returned."""
    statements = []

    def keep(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        answer = read()
    [(sql, params)] = [(sql, params) for sql, params in statements
                       if sql.startswith('SELECT "walls_post"."id"')]  # fmt: skip
    return generic_plan(sql, list(params)), answer


def sorts_by_time(plan: str) -> list[str]:
    return [line for line in plan.splitlines() if "Sort Key" in line and "created_at" in line]


@pytest.mark.service("postgres")
def test_the_new_feed_walks_its_index_on_a_busy_wall(alice, bob, town):
    """The feed shows its reader's own pending posts besides the approved ones: an index of
    approved posts only cannot answer that OR, and the page sorted the whole wall."""
    Post.objects.bulk_create(
        Post(wall=town, author=alice, body=f"post {index}", status=Status.APPROVED)
        for index in range(3000)
    )
    bobs = joined(bob)
    posted(bobs)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE walls_post")
    plan, page = page_plan(lambda: feed(bobs))
    assert len(page) == 20
    assert "wall_feed" in plan, plan
    assert not sorts_by_time(plan), plan


@pytest.fixture
def kept_a_minute(settings):
    settings.WALL_HOT_REFRESH_SECONDS = 60


def test_hot_keeps_its_order_a_while(alice, bob, carol, town, kept_a_minute):
    alices, bobs = joined(alice), joined(bob)
    with time_machine.travel(timezone.now() - timedelta(hours=1)):
        older = posted(alices, body="older")
    newer = posted(alices, body="newer")
    assert [p["id"] for p in feed(bobs, sort="hot")] == [newer["id"], older["id"]]
    joined(carol).post(f"/api/v1/posts/{older['id']}/like")
    later = posted(alices, body="later")
    # Kept: the like does not move it yet, the new post is not ranked yet; the counts shown
    # are today's.
    shown = feed(bobs, sort="hot")
    assert [p["id"] for p in shown] == [newer["id"], older["id"]]
    assert shown[1]["like_count"] == 1
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        shown = feed(bobs, sort="hot")
    assert [p["id"] for p in shown] == [older["id"], later["id"], newer["id"]]


def test_a_kept_ranking_reads_the_page_only(alice, bob, town, kept_a_minute,
                                            django_assert_num_queries):  # fmt: skip
    alices, bobs = joined(alice), joined(bob)
    for _ in range(3):
        posted(alices)
    url = "/api/v1/walls/town/posts?sort=hot&limit=2"
    # None kept: the page's statement asked of no post, the wall (and the account), the
    # ranking, the page.
    with django_assert_num_queries(4):
        first = bobs.get(url).json()
    with django_assert_num_queries(1):  # kept: the page, with the wall and the account in it
        second = bobs.get(first["next"]).json()
    seen = [p["id"] for p in first["results"] + second["results"]]
    assert len(seen) == len(set(seen)) == 3
    assert second["next"] is None


def test_what_a_reader_may_see_is_decided_at_every_read(alice, bob, carol, town, kept_a_minute):
    alices, bobs, carols = joined(alice), joined(bob), joined(carol)
    signed = posted(alices, body="signed", anonymous=False)
    hidden = posted(alices, body="to be hidden")
    unsigned = posted(alices, body="anonymous")
    mine = posted(carols, body="carol's")
    everything = [mine["id"], unsigned["id"], hidden["id"], signed["id"]]
    assert [p["id"] for p in feed(bobs, sort="hot")] == everything
    # Within the minute the order is kept for: moderators hide one, bob blocks alice by name.
    Post.objects.filter(pk=hidden["id"]).update(status=Status.HIDDEN)
    assert [p["id"] for p in feed(bobs, sort="hot")] == [mine["id"], unsigned["id"],
                                                          signed["id"]]  # fmt: skip
    account_services.block_create(blocker=bob, username=alice.username)
    # Her signed post goes; her anonymous one stays (hiding it would tell him who wrote it).
    assert [p["id"] for p in feed(bobs, sort="hot")] == [mine["id"], unsigned["id"]]
    # A page whose places hold only what he may not see is empty, and the next goes on.
    third = Keyset(limit=1, offset=2, by=BY_OFFSET).cursor()
    page = bobs.get("/api/v1/walls/town/posts", {"sort": "hot", "limit": 1, "cursor": third})
    page = page.json()
    assert page["results"] == []
    assert [p["id"] for p in client_of(bob).get(page["next"]).json()["results"]] == []
    # Carol still sees all but the hidden one, in the kept order.
    assert [p["id"] for p in feed(carols, sort="hot")] == [mine["id"], unsigned["id"],
                                                           signed["id"]]  # fmt: skip


def test_the_ranking_holds_public_posts_only(alice, bob, town, kept_a_minute):
    """A post waiting for moderators is its author's to see in `new`; `hot` ranks what the
    wall shows everyone."""
    town.moderation = Wall.Moderation.PRE
    town.save()
    alices = joined(alice)
    waiting = posted(alices, body="waiting")
    assert [p["id"] for p in feed(alices)] == [waiting["id"]]
    assert feed(alices, sort="hot") == []
