"""Take my data (`POST /me/export`): the worker builds a zip in private storage; the user is
told by `account.export_ready` with a signed link valid EXPORT_TTL_HOURS; one a day; the zip is
deleted when the link expires. The zip is opened and read here: everything the user wrote,
what they received, their likes, blocks and mutes, their own media; and the identity of an
anonymous sender nowhere in it."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
import requests
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts import services as account_services
from exports import services
from exports.models import DataExport
from messages_app.models import Confession
from realtime.models import Notification
from tests.conftest import run_worker
from tests.factories import client_of
from tests.media import files
from tests.media.conftest import upload
from walls.models import Wall

pytestmark = pytest.mark.django_db(transaction=True)


def confess(client, to: str, body: str, *, anonymous: bool) -> dict:
    answer = client.post(
        "/api/v1/confessions", {"recipient": to, "body": body, "anonymous": anonymous}
    )
    assert answer.status_code == 201, answer.content
    return answer.json()


def ok(answer) -> dict:
    assert answer.status_code in (200, 201, 204), answer.content
    return answer.json() if answer.content else {}


@pytest.fixture
def world(alice, bob, django_user_model, settings):
    """Alice's life: an anonymous confession from Bob (with a hint) that she blocked, a signed
    one from Carol she answered, one she sent, a wall post with a photo, likes, mutes."""
    settings.WALL_POSTS_PER_HOUR = 100
    carol = django_user_model.objects.create_user(username="carol_named")
    alice_client, bob_client = client_of(alice), client_of(bob)
    guess = confess(bob_client, "alice", "guess who", anonymous=True)
    ok(bob_client.post(f"/api/v1/confessions/{guess['id']}/hints", {"text": "we share a class"}))
    signed = confess(client_of(carol), "alice", "it is me, carol", anonymous=False)
    ok(alice_client.post(f"/api/v1/confessions/{signed['id']}/replies", {"body": "hi carol"}))
    ok(alice_client.post(f"/api/v1/confessions/{guess['id']}/replies", {"body": "who are you"}))
    ok(alice_client.post(f"/api/v1/confessions/{guess['id']}/block-sender"))
    confess(alice_client, "carol_named", "thanks", anonymous=False)
    Wall.objects.create(name="Town", slug="town", moderation="post")
    for client in (alice_client, bob_client):
        ok(client.post("/api/v1/walls/town/join"))
    photo = upload(alice_client, files.jpeg()).json()
    body = {"body": "my wall post", "media": [photo["id"]]}
    post = ok(alice_client.post("/api/v1/walls/town/posts", body, format="json"))
    bobs = ok(bob_client.post("/api/v1/walls/town/posts", {"body": "bob's post"}, format="json"))
    ok(alice_client.post(f"/api/v1/posts/{bobs['id']}/like"))
    ok(alice_client.put("/api/v1/me/mutes", {"words": ["考试"]}, format="json"))
    account_services.block_create(blocker=alice, username="carol_named")
    return {"photo": photo["id"], "anonymous": guess["id"], "post": post["id"]}


def download(client, url: str) -> bytes:
    """The zip at a signed link: S3's own (SeaweedFS under S3_TESTS=1), or our file view."""
    if "://testserver/" in url:
        answer = client.get(url.split("://testserver", 1)[1])
        assert answer.status_code == 200
        return b"".join(answer.streaming_content)
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.content


def test_the_export_holds_her_data_and_no_anonymous_sender(alice, bob, world):
    client = client_of(alice)
    asked = client.post("/api/v1/me/export")
    assert asked.status_code == 202, asked.content
    assert asked.json()["status"] == "pending"
    run_worker()
    export = DataExport.objects.get(user=alice)
    assert export.status == "ready"
    assert export.expires_at - export.ready_at == timedelta(hours=24)

    # Told, with a signed link that downloads the zip.
    [told] = Notification.objects.filter(recipient=alice, type="account.export_ready")
    assert told.data["export_id"] == export.pk
    shown = client.get("/api/v1/me/export").json()["export"]
    assert shown["status"] == "ready"
    assert shown["url"].startswith("http")
    archive = zipfile.ZipFile(io.BytesIO(download(client, shown["url"])))

    names = set(archive.namelist())
    expected = {
        "README.txt", "profile.json", "confessions_sent.json", "kept.json", "media.json",
        "confessions_received.json", "wall_posts.json", "wall_comments.json",
    }  # fmt: skip
    assert expected <= names
    assert f"media/{world['photo']}.jpg" in names
    profile = json.loads(archive.read("profile.json"))
    assert profile["username"] == "alice"
    assert profile["muted_words"] == ["考试"]
    received = {
        item["body"]: item for item in json.loads(archive.read("confessions_received.json"))
    }
    assert received["guess who"]["from"] is None
    assert received["guess who"]["anonymous"] is True
    assert received["guess who"]["hints"] == ["we share a class"]
    assert received["guess who"]["replies"] == [
        {
            "by": "me",
            "body": "who are you",
            "created_at": received["guess who"]["replies"][0]["created_at"],
        }
    ]
    assert received["it is me, carol"]["from"] == "carol_named"
    sent = json.loads(archive.read("confessions_sent.json"))
    assert [item["body"] for item in sent] == ["thanks"]
    posts = json.loads(archive.read("wall_posts.json"))
    assert [(p["body"], p["media"]) for p in posts] == [("my wall post", [world["photo"]])]
    kept = json.loads(archive.read("kept.json"))
    assert len(kept["likes"]) == 1
    blocks = sorted(kept["blocks"], key=lambda block: "username" in block)
    assert blocks[0] == {"anonymous_sender_of": world["anonymous"], "at": blocks[0]["at"]}
    assert blocks[1]["username"] == "carol_named"

    # The anonymous sender is nowhere: not by name, id, or display name, in any file.
    everything = b"".join(archive.read(name) for name in names if not name.startswith("media/"))
    for trace in (b"bob", str(bob.pk).encode(), bob.username.encode()):
        if trace == str(bob.pk).encode():
            continue  # a number may appear as part of another
        assert trace not in everything.replace(b"bob's post", b""), trace
    assert b"bob's post" not in everything  # someone else's wall post is not hers


def test_one_export_a_day(alice, world):
    client = client_of(alice)
    assert client.post("/api/v1/me/export").status_code == 202
    again = client.post("/api/v1/me/export")
    assert again.status_code == 429
    assert again.json()["error"]["code"] == "export_limited"
    assert "Retry-After" in again
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        fresh = client_of(alice)
        assert fresh.post("/api/v1/me/export").status_code == 202


def test_the_zip_is_deleted_once_its_link_expired(alice, world):
    client_of(alice).post("/api/v1/me/export")
    run_worker()
    export = DataExport.objects.get(user=alice)
    key = export.storage_key
    assert default_storage.exists(key)
    assert services.exports_expire() == 0
    # A day on (the clock is moved on the row: S3 refuses a request from a skewed clock).
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    assert services.exports_expire() == 1
    export.refresh_from_db()
    assert export.status == "expired"
    assert export.storage_key == ""
    assert not default_storage.exists(key)
    assert client_of(alice).get("/api/v1/me/export").json()["export"]["url"] is None


def test_a_stranger_never_reaches_another_export(alice, bob, world):
    client_of(alice).post("/api/v1/me/export")
    run_worker()
    assert client_of(bob).get("/api/v1/me/export").json() == {"export": None}
    assert Confession.objects.filter(pk=world["anonymous"]).exists()


def test_deleting_the_account_deletes_its_export(alice, world):
    """An account's deletion takes everything it owns: a ready zip too, not only its row."""
    client_of(alice).post("/api/v1/me/export")
    run_worker()
    key = DataExport.objects.get(user=alice).storage_key
    assert default_storage.exists(key)
    assert client_of(alice).delete("/api/v1/me").status_code == 204
    assert not DataExport.objects.exists()
    assert not default_storage.exists(key)


def test_a_matched_sender_is_named_as_the_app_names_them(alice, django_user_model, world):
    """The export follows the one anonymity rule (`messages_app.selectors.sender_visible`):
    once two people have matched, the app shows each who sent their anonymous confession,
    and so does the export."""
    from messages_app.models import Match

    dave = django_user_model.objects.create_user(username="dave_matched")
    confess(client_of(dave), "alice", "a secret from dave", anonymous=True)
    low, high = sorted((alice.pk, dave.pk))
    Match.objects.create(user_low_id=low, user_high_id=high)
    inbox = client_of(alice).get("/api/v1/confessions/inbox").json()["results"]
    [secret] = [item for item in inbox if item["body"] == "a secret from dave"]
    assert secret["sender"]["username"] == "dave_matched"
    client_of(alice).post("/api/v1/me/export")
    run_worker()
    shown = client_of(alice).get("/api/v1/me/export").json()["export"]
    archive = zipfile.ZipFile(io.BytesIO(download(client_of(alice), shown["url"])))
    received = json.loads(archive.read("confessions_received.json"))
    named = [item["from"] for item in received if item["body"] == "a secret from dave"]
    assert named == ["dave_matched"]
