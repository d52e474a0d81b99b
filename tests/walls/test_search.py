"""Wall search (`GET /walls/{slug}/posts?q=`): posts whose text or `to`, or a visible comment's
text, holds the query, in Chinese or English and any case, newest first and paged by cursor,
with every rule of the feed (hidden, others' pending, deleted, blocked, muted); walked window
by window for short or common words, by the trigram indexes for rare ones (both give the same
page); limited per account."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection

from accounts import services as account_services
from core.moderated import Status
from tests.factories import client_of
from tests.walls.test_feed_at_volume import page_plan, sorts_by_time
from walls import selectors
from walls.models import Comment, Post, Wall

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return Wall.objects.create(name="Town", slug="town", moderation=Wall.Moderation.POST)


@pytest.fixture
def members(alice, bob, carol, town, settings):
    settings.WALL_POSTS_PER_HOUR = 100
    clients = {}
    for user in (alice, bob, carol):
        clients[user.username] = client_of(user)
        assert clients[user.username].post("/api/v1/walls/town/join").status_code == 200
    return clients


def post(client, body: str, **fields) -> int:
    answer = client.post("/api/v1/walls/town/posts", {"body": body, **fields}, format="json")
    assert answer.status_code == 201, answer.content
    return answer.json()["id"]


def search(client, q: str, **query) -> dict:
    answer = client.get("/api/v1/walls/town/posts", {"q": q, **query})
    assert answer.status_code == 200, answer.content
    return answer.json()


def bodies(page: dict) -> list[str]:
    return [item["body"] for item in page["results"]]


def every_page(client, page: dict) -> list[str]:
    """The bodies of this page and of every page its `next` leads to."""
    seen = bodies(page)
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += bodies(page)
    return seen


@pytest.fixture(params=[500, 2], ids=["one-window", "small-windows"])
def windows(request, monkeypatch):
    """The default window, and windows of two posts (the walk goes on window by window, and
    rare words of three characters or more go to the trigram indexes)."""
    monkeypatch.setattr(selectors, "SEARCH_WINDOW", request.param)
    return request.param


def test_chinese_and_english_substrings_in_any_case(members, windows):
    alice, bob = members["alice"], members["bob"]
    post(alice, "三舍楼下穿白大褂的你")
    post(alice, "Looking for Alice from CS101", anonymous=False)
    post(alice, "图书馆四楼的女生", to="戴眼镜的那位")
    commented = post(bob, "今天好热")
    answer = alice.post(f"/api/v1/posts/{commented}/comments", {"body": "我也在三舍"})
    assert answer.status_code == 201
    post(bob, "nothing to see")
    assert bodies(search(bob, "三舍")) == ["今天好热", "三舍楼下穿白大褂的你"]
    assert bodies(search(bob, "白大褂")) == ["三舍楼下穿白大褂的你"]
    assert bodies(search(bob, "cs101")) == ["Looking for Alice from CS101"]
    assert bodies(search(bob, "ALICE FROM")) == ["Looking for Alice from CS101"]
    assert bodies(search(bob, "戴眼镜")) == ["图书馆四楼的女生"]  # in `to`
    assert bodies(search(bob, "我也在三舍")) == ["今天好热"]  # in a comment
    assert bodies(search(bob, "xyzzy")) == []
    # LIKE's own characters are text, not wildcards.
    assert bodies(search(bob, "%")) == []
    assert bodies(search(bob, "_")) == []


def test_every_rule_of_the_feed_holds(members, alice, bob, carol, windows, settings):
    alice_client, bob_client, carol_client = members["alice"], members["bob"], members["carol"]
    shown = post(alice_client, "宿舍 signed by alice", anonymous=False)
    masked = post(alice_client, "宿舍 anonymous by alice")
    hidden = post(carol_client, "宿舍 hidden later")
    Post.objects.filter(pk=hidden).update(status=Status.HIDDEN)
    pending = post(carol_client, "宿舍 pending")
    Post.objects.filter(pk=pending).update(status=Status.PENDING)
    deleted = post(carol_client, "宿舍 deleted")
    assert carol_client.delete(f"/api/v1/posts/{deleted}").status_code == 204
    post(carol_client, "宿舍 with a muted word: 讨厌")
    # A comment of someone blocked by name finds nothing for the blocker.
    quiet = post(carol_client, "a quiet post")
    answer = alice_client.post(f"/api/v1/posts/{quiet}/comments", {"body": "宿舍 in a comment"})
    assert answer.status_code == 201
    account_services.block_create(blocker=bob, username="alice")
    assert bob_client.put("/api/v1/me/mutes", {"words": ["讨厌"]}, format="json").status_code == 200

    assert bodies(search(bob_client, "宿舍")) == ["宿舍 anonymous by alice"]
    # As in the feed, its author still sees their own pending or hidden post; nobody a
    # deleted one.
    own = bodies(search(carol_client, "宿舍"))
    assert "宿舍 pending" in own
    assert "宿舍 hidden later" in own
    assert "宿舍 deleted" not in own
    # The anonymous one is anonymous here too.
    [found] = [p for p in search(bob_client, "宿舍")["results"] if p["id"] == masked]
    assert found["author"] is None
    assert shown not in [p["id"] for p in search(bob_client, "宿舍")["results"]]


def test_pages_newest_first_by_cursor(members, windows):
    alice, bob = members["alice"], members["bob"]
    for index in range(7):
        post(alice, f"第{index}封 情书")
        post(alice, f"noise {index}")
    letters = [f"第{index}封 情书" for index in reversed(range(7))]
    assert every_page(bob, search(bob, "情书", limit=3)) == letters
    # The same with a query the trigram indexes answer when windows run short.
    assert every_page(bob, search(bob, "封 情书", limit=2)) == letters


def test_a_comment_match_respects_its_own_visibility(members, windows):
    alice, bob = members["alice"], members["bob"]
    target = post(alice, "an ordinary post")
    comment = alice.post(f"/api/v1/posts/{target}/comments", {"body": "秘密 word"}).json()
    Comment.objects.filter(pk=comment["id"]).update(status=Status.HIDDEN)
    assert bodies(search(bob, "秘密")) == []
    assert bodies(search(alice, "秘密")) == ["an ordinary post"]  # its author sees their own


def test_search_is_limited_per_account(members, settings):
    settings.WALL_SEARCHES_PER_MINUTE = 3
    bob = members["bob"]
    for _ in range(3):
        assert bob.get("/api/v1/walls/town/posts", {"q": "x"}).status_code == 200
    answer = bob.get("/api/v1/walls/town/posts", {"q": "x"})
    assert answer.status_code == 429
    # The feed itself is not counted.
    assert bob.get("/api/v1/walls/town/posts").status_code == 200


def test_searches_refill_one_at_a_time(members, settings):
    """WALL_SEARCHES_PER_MINUTE at once, then one each time one refills (a minute over the
    limit): the refusal says when (Retry-After); nothing is remembered but when the bucket is
    full again, so a high limit costs a request no more than a low one."""
    settings.WALL_SEARCHES_PER_MINUTE = 6  # one refills every 10 s
    bob = members["bob"]

    def search():
        return bob.get("/api/v1/walls/town/posts", {"q": "x"})

    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(6):
            assert search().status_code == 200
        refused = search()
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "throttled"
        assert refused["Retry-After"] == "10"
        clock.shift(9)
        assert search().status_code == 429
        clock.shift(1)
        assert search().status_code == 200  # the one that refilled
        assert search().status_code == 429
        clock.shift(60)
        for _ in range(6):  # a minute later, full again, and no fuller
            assert search().status_code == 200
        assert search().status_code == 429


def test_a_stranger_to_an_invite_wall_gets_404(alice, bob):
    Wall.objects.create(name="Club", slug="club", verification="code", invite_code="k" * 10)
    client = client_of(alice)
    assert client.get("/api/v1/walls/club/posts", {"q": "anything"}).status_code == 404
    too_long = client.get("/api/v1/walls/campus/posts", {"q": "x" * 51})
    assert too_long.status_code == 400


def test_a_rare_word_is_found_by_the_trigram_indexes(alice, town):
    """On PostgreSQL, over a wall of thousands of posts, the indexed way reads the three
    trigram indexes, not the wall's posts."""
    Post.objects.bulk_create(
        Post(wall=town, author=alice, body=f"第{index}封 情书", status=Status.APPROVED)
        for index in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE walls_post")
    plan = selectors._search(
        alice.pk, town.pk, selectors.like_pattern("白大褂"), None, None,
        limit=20, cursor=False, way="indexed",
    ).explain()  # fmt: skip
    for index in ("wall_post_body_trgm", "wall_post_to_trgm", "wall_comment_body_trgm"):
        assert index in plan, plan


@pytest.mark.service("postgres")
def test_a_common_word_walks_the_feeds_index_and_stops_at_a_full_page(members, alice, town):
    """Over a busy wall, a window's statement (prepared: its generic plan) walks the feed's
    index from the cursor and stops once the page is full: no sort of the window, and no
    scan of the wall's comments (a comment is asked only of a post whose own text misses).
    Planned as a few hundred posts to sort, it evaluated every post of the window and
    hashed every comment in it, 3.8 ms for a page found in the first 130 posts."""
    posts = Post.objects.bulk_create(
        Post(wall=town, author=alice, body=f"第{index}封 情书", status=Status.APPROVED)
        for index in range(3000)
    )
    Comment.objects.bulk_create(
        Comment(post=post, author=alice, body="me too", status=Status.APPROVED)
        for post in posts[::3]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE walls_post")
        cursor.execute("ANALYZE walls_comment")
    plan, page = page_plan(lambda: search(members["bob"], "情书"))
    assert len(bodies(page)) == 20
    assert "wall_feed" in plan, plan
    assert not sorts_by_time(plan), plan
    assert "Seq Scan on walls_comment" not in plan, plan
    matching = next(line for line in plan.splitlines() if "upper(body)" in line)
    assert "hashed SubPlan" not in matching[matching.index("upper(body)") :], plan
