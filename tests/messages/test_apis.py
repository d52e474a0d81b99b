"""The confessions API: wiring, error envelope, ownership matrix, anonymity, query counts."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Block
from messages_app import services
from messages_app.models import Confession, ConfessionMedia, Reply
from realtime.models import Notification
from realtime.previews import frames_of
from tests.factories import client_of, make_media

pytestmark = pytest.mark.django_db


def test_send_and_read_through_the_api(alice_client, bob_client, bob):
    response = alice_client.post(
        "/api/v1/confessions", {"recipient": "bob", "body": "I like you", "anonymous": False}
    )
    assert response.status_code == 201, response.content
    sent = response.json()
    assert sent["role"] == "sender"
    assert sent["recipient"] == {"username": "bob", "display_name": "", "avatar_url": None}
    assert sent["status"] == "approved"
    assert sent["share_token"] is None

    inbox = bob_client.get("/api/v1/confessions/inbox").json()
    assert [item["id"] for item in inbox["results"]] == [sent["id"]]
    assert inbox["next"] is None
    assert inbox["results"][0]["sender"] == {"username": "alice", "display_name": "",
                                             "avatar_url": None}  # fmt: skip

    read = bob_client.post(f"/api/v1/confessions/{sent['id']}/read")
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    mine = alice_client.get("/api/v1/confessions/sent").json()["results"]
    assert mine[0]["read_at"] is not None

    reply = bob_client.post(f"/api/v1/confessions/{sent['id']}/replies", {"body": "me too"})
    assert reply.status_code == 201
    assert reply.json()["from"] == "recipient"
    thread = alice_client.get(f"/api/v1/confessions/{sent['id']}/replies").json()
    assert [(r["body"], r["mine"]) for r in thread["results"]] == [("me too", False)]


def test_share_link_through_the_api(alice_client, bob_client, carol_client):
    sent = alice_client.post("/api/v1/confessions", {"body": "guess who", "anonymous": True})
    token = sent.json()["share_token"]
    assert token
    opened = carol_client.get(f"/api/v1/confessions/shared/{token}")
    assert opened.status_code == 200
    assert opened.json()["sender"] is None
    assert opened.json()["role"] == "viewer"
    claimed = bob_client.post(f"/api/v1/confessions/shared/{token}/claim")
    assert claimed.status_code == 200
    assert claimed.json()["role"] == "recipient"
    late = carol_client.post(f"/api/v1/confessions/shared/{token}/claim")
    assert late.status_code == 410  # not the 404 of a mistyped link
    assert late.json()["error"]["code"] == "already_claimed"
    assert carol_client.get(f"/api/v1/confessions/shared/{token}").status_code == 410
    assert bob_client.get(f"/api/v1/confessions/shared/{token}").status_code == 200
    assert alice_client.get(f"/api/v1/confessions/shared/{token}").status_code == 200
    own = alice_client.post(f"/api/v1/confessions/shared/{token}/claim")
    assert own.status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"recipient": "bob", "body": ""}, "body"),
        ({"recipient": "bob", "body": "   "}, "body"),
        ({"recipient": "bob", "body": "x" * 2001}, "body"),
        ({"recipient": "bob", "body": "a\u0000b"}, "body"),
        ({"recipient": "alice", "body": "me"}, "recipient"),
        ({"recipient": "ghost", "body": "hi"}, "recipient"),
        ({"recipient": "bob"}, "body"),
        ({"recipient": "bob", "body": "hi", "media": ["x"]}, "media[0]"),
        ({"recipient": "bob", "body": "hi", "media": [999999]}, "media"),
        ({"recipient": "bob", "body": 12}, "body"),
        ({"recipient": 7, "body": "hi"}, "recipient"),
        ({"recipient": "bob", "body": ["hi"]}, "body"),
    ],
)
def test_bad_sends_are_400_and_store_nothing(alice_client, bob, payload, field):
    response = alice_client.post("/api/v1/confessions", payload)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]
    assert not Confession.objects.exists()


def test_read_only_fields_cannot_be_set(alice_client, bob, carol):
    response = alice_client.post(
        "/api/v1/confessions",
        {"recipient": "bob", "body": "hi", "sender": carol.pk, "status": "hidden",
         "read_at": "2020-01-01T00:00:00Z", "share_token": "mine", "suppressed": True},
    )  # fmt: skip
    assert response.status_code == 201
    confession = Confession.objects.get()
    assert confession.sender.username == "alice"
    assert confession.status == "approved"
    assert confession.read_at is None
    assert confession.share_token is None
    assert confession.suppressed is False


def test_rate_limit_is_429_in_the_envelope(alice_client, bob, settings):
    settings.CONFESSIONS_PER_HOUR = 1
    first = alice_client.post("/api/v1/confessions", {"recipient": "bob", "body": "1"})
    assert first.status_code == 201
    response = alice_client.post("/api/v1/confessions", {"recipient": "bob", "body": "2"})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert response["Retry-After"]


def test_sender_cannot_block_themself(alice_client, alice, bob):
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hi")
    response = alice_client.post(f"/api/v1/confessions/{confession.pk}/block-sender")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_sender_marking_read_marks_only_their_side_and_tells_nobody(alice_client, alice, bob):
    confession = services.confession_send(sender=alice, recipient_username="bob", body="hi")
    response = alice_client.post(f"/api/v1/confessions/{confession.pk}/read")
    assert response.status_code == 200
    assert response.json()["read_at"] is None  # bob has not read it
    confession.refresh_from_db()
    assert confession.sender_seen_at is not None
    assert confession.read_at is None
    assert not alice.notifications.filter(type="confession.read").exists()


def test_confessions_need_a_token(api_client):
    for path in ("/api/v1/confessions/inbox", "/api/v1/confessions/sent"):
        assert api_client.get(path).status_code == 401


# --- ownership matrix ------------------------------------------------------------------------


def snapshot() -> str:
    rows = {
        "confessions": list(Confession.objects.order_by("pk").values()),
        "replies": list(Reply.objects.order_by("pk").values()),
        "blocks": list(Block.objects.order_by("pk").values()),
        "notifications": list(Notification.objects.order_by("pk").values()),
    }
    return json.dumps(rows, default=str, sort_keys=True)


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_third_user_gets_404_everywhere_and_changes_nothing(alice, bob, carol_client, anonymous):
    confession = services.confession_send(
        sender=alice, recipient_username="bob", body="for bob only", anonymous=anonymous
    )
    services.reply_create(user=bob, confession_id=confession.pk, body="hello")
    link = services.confession_send(sender=alice, body="link", anonymous=anonymous)
    services.confession_claim(user=bob, token=link.share_token)
    before = snapshot()
    calls = [
        ("get", f"/api/v1/confessions/{confession.pk}", None),
        ("delete", f"/api/v1/confessions/{confession.pk}", None),
        ("post", f"/api/v1/confessions/{confession.pk}/read", None),
        ("get", f"/api/v1/confessions/{confession.pk}/replies", None),
        ("post", f"/api/v1/confessions/{confession.pk}/replies", {"body": "intruder"}),
        ("post", f"/api/v1/confessions/{confession.pk}/block-sender", None),
        ("get", f"/api/v1/confessions/{confession.pk + 1000}", None),
    ]
    # A link someone else claimed says so (410), and nothing more: the same answer whoever
    # sent it, anonymous or not.
    claimed = [
        ("get", f"/api/v1/confessions/shared/{link.share_token}", None),
        ("post", f"/api/v1/confessions/shared/{link.share_token}/claim", None),
    ]
    for (method, path, body), (status, code) in [
        *((call, (404, "not_found")) for call in calls),
        *((call, (410, "already_claimed")) for call in claimed),
    ]:
        response = getattr(carol_client, method)(path, body) if body else getattr(
            carol_client, method
        )(path)  # fmt: skip
        assert response.status_code == status, (method, path, response.content)
        assert response.json()["error"] == {
            "code": code,
            "message": response.json()["error"]["message"],
        }
    assert carol_client.get("/api/v1/confessions/inbox").json()["results"] == []
    assert carol_client.get("/api/v1/confessions/sent").json()["results"] == []
    assert snapshot() == before


# --- anonymity ---------------------------------------------------------------------------------


def test_an_anonymous_sender_appears_in_no_recipient_facing_payload(django_user_model):
    # A pk no counter in this test reaches, so a number equal to it can only be the sender's.
    alice = django_user_model.objects.create_user(
        pk=987_654, username="alice_secret", display_name="Alice Hidden-Name"
    )
    bob = django_user_model.objects.create_user(username="bob")
    bob_client = client_of(bob)
    photo = make_media(alice)
    confession = services.confession_send(
        sender=alice, recipient_username="bob", body="guess", anonymous=True, media_ids=[photo.pk]
    )
    services.reply_create(user=alice, confession_id=confession.pk, body="it's me")
    bob_client.post(f"/api/v1/confessions/{confession.pk}/replies", {"body": "who?"})
    link = services.confession_send(sender=alice, body="link", anonymous=True)
    blocked = services.confession_send(
        sender=alice, recipient_username="bob", body="go away", anonymous=True
    )
    bob_client.post(f"/api/v1/confessions/{blocked.pk}/block-sender")

    payloads = [
        bob_client.get("/api/v1/confessions/inbox").json(),
        bob_client.get(f"/api/v1/confessions/{confession.pk}").json(),
        bob_client.post(f"/api/v1/confessions/{confession.pk}/read").json(),
        bob_client.get(f"/api/v1/confessions/{confession.pk}/replies").json(),
        bob_client.get(f"/api/v1/confessions/shared/{link.share_token}").json(),
        bob_client.post(f"/api/v1/confessions/shared/{link.share_token}/claim").json(),
        bob_client.get("/api/v1/notifications").json(),
        bob_client.get("/api/v1/notifications?order=desc").json(),
        frames_of(bob.pk, list(Notification.objects.filter(recipient=bob))),  # socket replay
        bob_client.get("/api/v1/me/counts").json(),
        bob_client.get("/api/v1/matches").json(),
        bob_client.get("/api/v1/blocks").json(),
    ]
    assert payloads[0]["results"]  # the walk does see the confession...
    assert payloads[3]["results"]  # ...and the thread
    assert payloads[-1]["results"]  # ...and the anonymous block

    def walk(value, path="$"):
        if isinstance(value, dict):
            for key, item in value.items():
                assert key not in ("sender_id", "author_id", "user_id", "owner"), path
                yield from walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, f"{path}[{index}]")
        else:
            yield path, value

    for payload in payloads:
        for path, value in walk(payload):
            assert value != alice.pk, f"sender id at {path}"
            if isinstance(value, str):
                for secret in ("alice_secret", "Alice Hidden-Name", str(alice.pk)):
                    assert secret not in value, f"{secret!r} at {path}"
    # The WebSocket frames are the notification frames above; their recipient is bob only.
    assert not Notification.objects.filter(recipient=alice, type="confession.received").exists()


# --- query counts ------------------------------------------------------------------------------


def fill_inbox(sender, recipient, count: int) -> None:
    for index in range(count):
        photos = [make_media(sender) for _ in range(2)]
        services.confession_send(
            sender=sender, recipient_username=recipient.username, body=f"#{index}",
            anonymous=index % 2 == 0, media_ids=[p.pk for p in photos],
        )  # fmt: skip


def inbox_queries(client, path: str = "/api/v1/confessions/inbox") -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_inbox_query_count_is_constant(
    alice, bob_client, bob, settings, django_assert_max_num_queries
):
    settings.CONFESSIONS_PER_HOUR = 100
    # Senders with avatars: rendering them must not cost a query per row either.
    from accounts.services import user_update_profile

    user_update_profile(user=alice, data={"avatar": make_media(alice).pk})
    fill_inbox(alice, bob, 1)
    one = inbox_queries(bob_client)
    fill_inbox(alice, bob, 19)
    # One statement: the page, with whether each pair matched, the page's media and whether
    # the viewer's account is active.
    with django_assert_max_num_queries(1):
        response = bob_client.get("/api/v1/confessions/inbox")
    assert len(response.json()["results"]) == 20
    assert all(len(item["media"]) == 2 for item in response.json()["results"])
    assert all(
        item["sender"]["avatar_url"] for item in response.json()["results"] if item["sender"]
    )
    assert inbox_queries(bob_client) == one


def test_sent_and_thread_query_counts_are_constant(alice, alice_client, bob, bob_client, settings):
    settings.CONFESSIONS_PER_HOUR = settings.REPLIES_PER_HOUR = 100
    fill_inbox(alice, bob, 1)
    thread = Confession.objects.get(sender=alice)
    services.reply_create(user=bob, confession_id=thread.pk, body="one")
    sent, replies = "/api/v1/confessions/sent", f"/api/v1/confessions/{thread.pk}/replies"
    few = inbox_queries(alice_client, sent), inbox_queries(alice_client, replies)
    fill_inbox(alice, bob, 19)
    for index in range(19):
        services.reply_create(user=bob if index % 2 else alice, confession_id=thread.pk,
                              body=f"reply {index}")  # fmt: skip
    assert (inbox_queries(alice_client, sent), inbox_queries(alice_client, replies)) == few
    # The page (the account checked and the media read in it); the confession (the account
    # checked in it), its replies.
    assert few == (1, 2)


@pytest.mark.parametrize("door", ["inbox", "sent", "replies", "one"])
@pytest.mark.parametrize("gone", ["banned", "deleted"])
def test_a_page_read_in_one_statement_still_refuses_a_banned_or_deleted_account(
    alice, bob, door, gone
):
    """The hot reads check the account in the page's own statement, not before it: a ban
    or a deletion between two requests still answers the next one 401, on a page that has
    rows and on one that would be empty or a 404."""
    from accounts.services import user_ban

    fill_inbox(alice, bob, 2)
    thread = Confession.objects.filter(sender=alice).first()
    who = alice if door in ("sent", "replies", "one") else bob
    path = {
        "inbox": "/api/v1/confessions/inbox",
        "sent": "/api/v1/confessions/sent",
        "replies": f"/api/v1/confessions/{thread.pk}/replies",
        "one": f"/api/v1/confessions/{thread.pk}",
    }[door]
    client = client_of(who)
    assert client.get(path).status_code == 200
    if gone == "banned":
        user_ban(user=who)
    else:
        type(who).objects.filter(pk=who.pk).delete()
    refused = client.get(path)
    assert refused.status_code == 401, refused.content
    assert refused.json()["error"]["code"] == "not_authenticated"
    assert "WWW-Authenticate" in refused.headers
    # A confession that is not theirs (a 404 for an active account) is a 401 as well.
    assert client.get("/api/v1/confessions/999999999").status_code == 401


@pytest.mark.parametrize("gone", ["banned", "deleted"])
@pytest.mark.parametrize(
    "payload",
    [
        {"recipient": "bob", "body": "hello"},
        {"body": "a link"},
        {"recipient": "nobody_here", "body": "hello"},
        {"recipient": "bob", "body": ""},  # a 400 before the accounts are read
        {"recipient": "bob", "body": "hi", "deliver_at": "tomorrow"},
    ],
)
def test_a_send_that_reads_the_writers_account_itself_refuses_a_banned_or_deleted_one(
    alice, bob, gone, payload
):
    """A send reads its writer's account with the recipient's, not on its own before: a ban
    or a deletion between two requests still answers the next one 401 and stores nothing,
    whether the send would have gone through, made a link, or been refused as bad input."""
    from accounts.services import user_ban

    client = client_of(alice)
    assert client.post("/api/v1/confessions", {"recipient": "bob", "body": "before"},
                       format="json").status_code == 201  # fmt: skip
    if gone == "banned":
        user_ban(user=alice)
    else:
        type(alice).objects.filter(pk=alice.pk).delete()
    stored = Confession.objects.count()
    refused = client.post("/api/v1/confessions", payload, format="json")
    assert refused.status_code == 401, refused.content
    assert refused.json()["error"]["code"] == "not_authenticated"
    assert "WWW-Authenticate" in refused.headers
    assert Confession.objects.count() == stored


def test_a_send_names_its_recipient_as_before(alice, alice_client, bob):
    """The recipient read beside the writer: any case of the name, never a stand-in, never
    the writer, never an account that is not active."""
    from accounts.services import user_ban

    def send(recipient: str):
        return alice_client.post("/api/v1/confessions", {"recipient": recipient, "body": "hi"},
                                 format="json")  # fmt: skip

    assert send("BOB").status_code == 201
    for name in ("alice", "ALICE"):
        refused = send(name)
        assert refused.status_code == 400
        assert refused.json()["error"]["fields"]["recipient"] == ["You cannot confess to yourself."]
    for name in ("nobody_here", "~stand_in"):
        refused = send(name)
        assert refused.status_code == 400
        assert refused.json()["error"]["fields"]["recipient"] == ["No user with that username."]
    user_ban(user=bob)
    assert send("bob").json()["error"]["fields"]["recipient"] == ["No user with that username."]
    assert Confession.objects.filter(sender=alice).count() == 1


def test_anonymous_media_urls_cannot_be_linked_to_the_senders_named_media(alice, bob, bob_client):
    # A recipient holding a named and an anonymous confession with photos from the same person
    # must not be able to tell, from the URLs, that one sender made both.
    from urllib.parse import unquote, urlsplit

    named_photo, anonymous_photo = make_media(alice), make_media(alice)
    services.confession_send(sender=alice, recipient_username="bob", body="it's alice",
                             media_ids=[named_photo.pk])  # fmt: skip
    services.confession_send(sender=alice, recipient_username="bob", body="guess",
                             anonymous=True, media_ids=[anonymous_photo.pk])  # fmt: skip
    inbox = bob_client.get("/api/v1/confessions/inbox").json()["results"]
    named = next(item for item in inbox if not item["anonymous"])
    anonymous = next(item for item in inbox if item["anonymous"])

    def key_parts(url: str) -> set[str]:
        # S3 shows the key in the path; our file URLs carry it in a signed (not secret) token.
        from django.core import signing

        path = unquote(urlsplit(url).path)
        if "/media/file/" in path:
            path = signing.loads(path.rsplit("/", 1)[-1], salt="media_app.file")["k"]
        return {part for part in path.split("/") if len(part) >= 8}

    from media_app.rendering import media_render

    someone_else = media_render(make_media(bob))  # what every URL has in common (the bucket)
    for field in ("url", "thumbnail_url"):
        shared = key_parts(named["media"][0][field]) & key_parts(anonymous["media"][0][field])
        assert not shared - key_parts(someone_else[field])


def send_queries(client, **payload) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/confessions", payload, format="json")
    assert response.status_code == 201, response.content
    return len(captured)


def test_a_send_costs_a_fixed_number_of_queries(alice, alice_client, bob, settings):
    settings.CONFESSIONS_PER_HOUR = 100
    # The writer's account and the recipient's (one statement), the hourly count, the phrase
    # list; the transaction (its start and its end); in it the pair locked with the delivery
    # rule, the pair's match state, the row, the notification (the one before it and the
    # insert, one statement); then the response read back with its media.
    plain = send_queries(alice_client, recipient="bob", body="hello")
    assert plain == 10
    two = send_queries(alice_client, recipient="bob", body="hi",
                       media=[make_media(alice).pk for _ in range(2)])  # fmt: skip
    nine = send_queries(alice_client, recipient="bob", body="hi",
                        media=[make_media(alice).pk for _ in range(9)])  # fmt: skip
    assert two == nine
    # The media read; marked used (in a savepoint, so a refusal changes nothing); linked.
    assert two <= plain + 5
    # Anonymous: the places it holds, read with the pair's match state, under the pair's lock
    # (no lock, no statement of its own).
    anonymous = send_queries(alice_client, recipient="bob", body="guess", anonymous=True)
    assert anonymous == plain


def test_media_come_in_the_order_they_were_sent_on_every_list(alice, alice_client, bob,
                                                              bob_client):  # fmt: skip
    """Each page reads its media apart from its rows (media_app.selectors.Attachments); they
    come in position order (the order the sender gave), not by id or as stored."""
    made = [make_media(alice).pk for _ in range(4)]
    order = [made[2], made[0], made[3], made[1]]
    sent = alice_client.post("/api/v1/confessions", {"recipient": "bob", "body": "look",
                                                     "media": order}, format="json")  # fmt: skip
    assert sent.status_code == 201, sent.content
    assert [media["id"] for media in sent.json()["media"]] == order  # as given
    plain = alice_client.post("/api/v1/confessions", {"recipient": "bob", "body": "no photos"},
                              format="json")  # fmt: skip
    confession = sent.json()["id"]
    # Positions against the rows' order on disk: each row rewritten, first to last, with a
    # position that puts it after those rewritten after it.
    attachments = ConfessionMedia.objects.filter(confession_id=confession).order_by("position")
    for attachment in attachments:
        ConfessionMedia.objects.filter(pk=attachment.pk).update(position=20 - attachment.position)
    order.reverse()
    for client, path in [(bob_client, "/api/v1/confessions/inbox"),
                         (alice_client, "/api/v1/confessions/sent")]:  # fmt: skip
        items = {item["id"]: item for item in client.get(path).json()["results"]}
        assert [media["id"] for media in items[confession]["media"]] == order, path
        assert items[plain.json()["id"]]["media"] == [], path
        one = client.get(f"/api/v1/confessions/{confession}").json()
        assert [media["id"] for media in one["media"]] == order
        assert one["media"][0] == items[confession]["media"][0]  # the same rendering
