"""The hot lists (inbox, sent, a thread) page by keyset: every row once, in order, ties on
`created_at` included; a bad `cursor` or `limit` is a 400 in the envelope."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import pytest
from django.test import RequestFactory
from django.utils import timezone

from core.pagination import Keyset
from messages_app import services
from messages_app.models import Confession, Reply

pytestmark = pytest.mark.django_db


def walk(client, url: str) -> list[int]:
    seen: list[int] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        seen.extend(item["id"] for item in body["results"])
        url = body["next"]
    return seen


@pytest.fixture
def five_with_ties(alice, bob, settings):
    settings.CONFESSIONS_PER_HOUR = settings.REPLIES_PER_HOUR = 100
    for index in range(5):
        services.confession_send(sender=alice, recipient_username=bob.username,
                                 body=f"#{index}", anonymous=False, media_ids=[])  # fmt: skip
    same = timezone.now()
    # Three of them at the very same instant: the id breaks the tie, nothing is skipped.
    Confession.objects.filter(body__in=["#1", "#2", "#3"]).update(created_at=same)
    return list(Confession.objects.order_by("-created_at", "-id").values_list("id", flat=True))


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 6])
def test_inbox_and_sent_walk_every_row_once(alice_client, bob_client, five_with_ties, limit):
    assert walk(bob_client, f"/api/v1/confessions/inbox?limit={limit}") == five_with_ties
    assert walk(alice_client, f"/api/v1/confessions/sent?limit={limit}") == five_with_ties


def test_a_thread_walks_oldest_first(alice, bob, bob_client, five_with_ties):
    thread = five_with_ties[0]
    for index in range(5):
        services.reply_create(user=alice if index % 2 else bob, confession_id=thread,
                              body=f"r{index}")  # fmt: skip
    Reply.objects.filter(body__in=["r1", "r2"]).update(created_at=timezone.now())
    expected = list(Reply.objects.order_by("created_at", "id").values_list("id", flat=True))
    assert walk(bob_client, f"/api/v1/confessions/{thread}/replies?limit=2") == expected


def cursor_of(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("limit=0", "invalid_limit"),
        ("limit=-1", "invalid_limit"),
        ("limit=abc", "invalid_limit"),
        ("limit=1.5", "invalid_limit"),
        ("limit=%EF%BC%91", "invalid_limit"),  # a full-width digit
        ("limit=101", "invalid_limit"),
        ("limit=", "invalid_limit"),
        ("limit=2&limit=3", "invalid_limit"),
        ("cursor=" + cursor_of("2026-01-01T00:00:00+00:00|1") + "&cursor=abc", "invalid_cursor"),
        ("cursor=abc", "invalid_cursor"),
        ("cursor=" + cursor_of("p=abc"), "invalid_cursor"),
        ("cursor=" + cursor_of("2026-13-40T00:00:00+00:00|1"), "invalid_cursor"),
        ("cursor=" + cursor_of("2026-01-01T00:00:00|1"), "invalid_cursor"),  # no offset
        ("cursor=" + cursor_of("2026-01-01T00:00:00+00:00|x"), "invalid_cursor"),
        ("cursor=" + cursor_of("2026-01-01T00:00:00+00:00|0"), "invalid_cursor"),
        ("cursor=%00", "bad_request"),  # a NUL is refused before any view
        ("cursor=" + cursor_of("2026-01-01T00:00:00+00:00\x00|1"), "invalid_cursor"),
    ],
)
def test_bad_pages_are_400(bob_client, five_with_ties, query, code):
    for path in ("inbox", "sent", f"{five_with_ties[0]}/replies"):
        response = bob_client.get(f"/api/v1/confessions/{path}?{query}")
        assert response.status_code == 400, (path, query)
        assert response.json()["error"]["code"] == code


def test_limit_is_at_most_100(bob_client, five_with_ties):
    assert Keyset.of(RequestFactory().get("/", {"limit": "100"})).limit == 100
    assert Keyset.of(RequestFactory().get("/")).limit == 20
    response = bob_client.get("/api/v1/confessions/inbox?limit=100")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 5


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/blocks",
        "/api/v1/notifications",
        "/api/v1/notifications?order=desc",
        "/api/v1/matches",
    ],
)
@pytest.mark.parametrize(
    "cursor",
    [
        "AAEC",  # base64 of bytes that hold no cursor at all: DRF read it as the first page
        base64.b64encode(b"p=-5").decode(),  # an id we never write
        base64.b64encode(b"p=5&x=1").decode(),
        base64.b64encode(b"o=0&p=5").decode(),  # not as we write it (o=0 is left out)
    ],
)
def test_junk_cursors_on_every_other_list_are_400(bob_client, path, cursor):
    separator = "&" if "?" in path else "?"
    response = bob_client.get(f"{path}{separator}{urlencode({'cursor': cursor})}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_the_cursors_we_write_still_walk_the_drf_lists(bob_client, bob):
    from realtime.services import notify

    for index in range(5):
        notify(user=bob, type="confession.read", data={"confession_id": index + 1})
    for order in ("asc", "desc"):
        seen, url = [], f"/api/v1/notifications?order={order}&limit=2"
        while url:
            page = bob_client.get(url).json()
            seen += [item["id"] for item in page["results"]]
            url = page["next"]
        assert len(seen) == len(set(seen)) == 5
