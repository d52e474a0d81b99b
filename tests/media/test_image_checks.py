"""WeChat's image check: a WeChat user's upload is checked (media_check_async v2, the verdict
pushed to /wechat/push), and a confession carrying it waits for the verdict like a review."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone

from media_app.models import Media
from messages_app.models import Confession
from realtime.models import Notification
from tests.conftest import run_worker
from tests.factories import client_of
from tests.media import files
from tests.media.conftest import upload
from tests.media.image_checks import checked_upload, verdict

pytestmark = [pytest.mark.django_db, pytest.mark.service("s3")]

CHECK = "/wxa/media_check_async"


@pytest.fixture(autouse=True)
def _checked(wechat_image_checks):
    """WeChat configured, media on S3, pushes accepted (tests.media.image_checks)."""


def send(alice_client, media: Media) -> int:
    response = alice_client.post(
        "/api/v1/confessions", {"recipient": "bob", "body": "look", "media": [media.pk]}
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_a_wechat_users_upload_is_handed_to_wechat(alice_client, alice_on_wechat, wechat):
    media = checked_upload(alice_client)
    assert media.check_status == "checking"
    # A moderated kind like any other: pending while WeChat looks.
    assert (media.status, media.moderation_note) == ("pending", "image check: waiting for WeChat")
    [asked] = wechat.requests_to(CHECK)
    assert asked.body["openid"] == "openid-alice"
    assert (asked.body["version"], asked.body["media_type"]) == (2, 2)
    # WeChat can fetch it: a presigned URL that lives long enough (at least an hour).
    fetched = requests.get(asked.body["media_url"], timeout=10)
    assert fetched.status_code == 200
    assert fetched.content.startswith(b"\xff\xd8")
    assert "X-Amz-Expires=7200" in asked.body["media_url"]
    assert media.check_trace_id


def test_a_confession_waits_for_the_verdict_then_is_delivered(alice_client, alice_on_wechat,
                                                             bob):  # fmt: skip
    media = checked_upload(alice_client)
    confession_id = send(alice_client, media)
    assert alice_client.get(f"/api/v1/confessions/{confession_id}").json()["status"] == "pending"
    bob_client = client_of(bob)
    assert bob_client.get("/api/v1/confessions/inbox").json()["results"] == []
    verdict(media, "pass")
    assert Confession.objects.get().status == "approved"
    assert Media.objects.values_list("status", "moderation_note").get(pk=media.pk) == (
        "approved",
        "",
    )
    assert [item["id"] for item in bob_client.get("/api/v1/confessions/inbox").json()
            ["results"]] == [confession_id]  # fmt: skip
    assert Notification.objects.filter(recipient=bob, type="confession.received").count() == 1


def test_a_risky_image_rejects_the_confession_and_its_files_go(
    alice_client, alice_on_wechat, alice, bob, django_capture_on_commit_callbacks
):
    media = checked_upload(alice_client)
    send(alice_client, media)
    with django_capture_on_commit_callbacks(execute=True):  # the files go after commit
        verdict(media, "risky", "20002")
    confession = Confession.objects.get()
    assert confession.status == "rejected"
    assert Media.objects.values_list("status", "moderation_note").get(pk=media.pk) == (
        "rejected",
        "image check: rejected (20002)",
    )
    told = Notification.objects.get(recipient=alice, type="confession.moderated")
    assert told.data["reason"] == "sexual"
    assert not Notification.objects.filter(recipient=bob).exists()
    assert not default_storage.exists(media.storage_key)
    assert not default_storage.exists(media.thumbnail_key)
    # Nor can it be sent again.
    body = {"recipient": "bob", "body": "again", "media": [media.pk]}
    again = alice_client.post("/api/v1/confessions", body)
    assert again.status_code == 400


def test_review_or_no_verdict_goes_to_moderators(alice_client, alice_on_wechat, bob,
                                                  admin_client):  # fmt: skip
    first, second = checked_upload(alice_client), checked_upload(alice_client)
    held = send(alice_client, first)
    send(alice_client, second)
    verdict(first, "review", "20001")
    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=True):
        run_worker()  # no verdict for the second in 30 minutes
    assert sorted(Media.objects.values_list("status", "moderation_note")) == [
        ("pending", "image check: for moderators (20001)"),
        ("pending", "image check: for moderators (no_verdict)"),
    ]
    notes = sorted(Confession.objects.values_list("status", "moderation_note"))
    assert notes == [("pending", "image check: for moderators (20001)"),
                     ("pending", "image check: for moderators (no_verdict)")]  # fmt: skip
    assert not Notification.objects.filter(recipient=bob).exists()
    # In the moderators' queue, with the image to look at.
    queue = admin_client.get("/admin/messages_app/queuedconfession/").content.decode()
    assert f"/admin/messages_app/queuedconfession/{held}/change/" in queue
    page = admin_client.get(f"/admin/messages_app/queuedconfession/{held}/change/")
    assert first.thumbnail_key.split("/")[-1] in page.content.decode()


def test_uploads_of_users_without_an_openid_are_not_checked(alice_client, bob, wechat):
    response = upload(alice_client, files.jpeg())
    run_worker()
    assert Media.objects.get().check_status == "unchecked"
    assert wechat.requests_to(CHECK) == []
    send(alice_client, Media.objects.get())
    assert Confession.objects.get().status == "approved"
    assert response.status_code == 201


def test_an_avatar_under_check_is_held_until_it_passes(alice_client, alice_on_wechat, bob):
    media = checked_upload(alice_client)
    me = alice_client.patch("/api/v1/me", {"avatar": media.pk}).json()
    assert (me["avatar"], me["pending_avatar"]) == (None, media.pk)
    seen_by_bob = client_of(bob).get("/api/v1/users/alice").json()
    assert seen_by_bob["avatar_url"] is None  # not shown before WeChat passed it
    verdict(media, "pass")
    me = alice_client.get("/api/v1/me").json()
    assert (me["avatar"], me["pending_avatar"]) == (media.pk, None)
    assert client_of(bob).get("/api/v1/users/alice").json()["avatar_url"]


def test_a_risky_avatar_is_dropped(alice_client, alice_on_wechat):
    media = checked_upload(alice_client)
    alice_client.patch("/api/v1/me", {"avatar": media.pk})
    verdict(media, "risky", "20002")
    me = alice_client.get("/api/v1/me").json()
    assert (me["avatar"], me["pending_avatar"]) == (None, None)
    assert not Media.objects.filter(pk=media.pk).exists()


def test_a_fresh_worker_process_asks_wechat(alice_on_wechat, alice_client, wechat):
    """A `manage.py worker` that has touched no storage yet found the lazy default storage
    empty (`default_storage._wrapped` read before its set-up): every image check failed for
    good, and its confession stayed pending."""
    from django.utils.functional import empty

    response = upload(alice_client, files.jpeg())
    assert response.status_code == 201
    default_storage._wrapped = empty  # as a process that has not used it yet
    run_worker()
    media = Media.objects.get(pk=response.json()["id"])
    assert media.check_trace_id
    assert [r.path for r in wechat.requests if r.path == CHECK] == [CHECK]
