"""/me, /users/{username} and account deletion."""

from __future__ import annotations

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts import services
from accounts.models import Block, User
from media_app.models import Media
from media_app.services import media_attach, media_upload
from tests.conftest import access_token_for
from tests.factories import make_media
from tests.media import files

pytestmark = pytest.mark.django_db


def test_me_shows_own_profile(alice_client, alice):
    body = alice_client.get("/api/v1/me").json()
    assert body == {
        "id": alice.pk,
        "username": "alice",
        "display_name": "",
        "bio": "",
        "avatar": None,
        "avatar_url": None,
        "accepts_anonymous": True,
        "language": "",
        "ip_region": None,
        "date_joined": body["date_joined"],
        "pending_display_name": None,
        "pending_bio": None,
        "pending_avatar": None,
        "phone": None,
    }


def test_me_needs_a_token(api_client):
    assert api_client.get("/api/v1/me").status_code == 401


def test_patch_changes_profile_fields(alice_client, alice):
    response = alice_client.patch(
        "/api/v1/me",
        {"display_name": "Alice 💌", "bio": "I like tea.", "accepts_anonymous": False},
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert (alice.display_name, alice.bio, alice.accepts_anonymous) == (
        "Alice 💌",
        "I like tea.",
        False,
    )


def test_patch_ignores_privileged_fields(alice_client, alice):
    response = alice_client.patch(
        "/api/v1/me",
        {
            "is_staff": True,
            "is_superuser": True,
            "is_active": False,
            "wechat_openid": "stolen-openid",
            "id": 999,
            "date_joined": "2000-01-01T00:00:00Z",
            "password": "new-password-123",
            "bio": "changed",
        },
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert (alice.is_staff, alice.is_superuser, alice.is_active) == (False, False, True)
    assert alice.wechat_openid is None
    assert alice.pk != 999
    assert alice.check_password("alice-pass-2026!")
    assert alice.bio == "changed"


def test_patch_username_follows_the_rules(alice_client, alice, bob):
    assert alice_client.patch("/api/v1/me", {"username": "BOB"}).status_code == 400
    assert alice_client.patch("/api/v1/me", {"username": "a b"}).status_code == 400
    assert alice_client.patch("/api/v1/me", {"username": "Alice_2"}).status_code == 200
    alice.refresh_from_db()
    assert alice.username == "Alice_2"
    # Changing only the case of one's own name is fine.
    assert alice_client.patch("/api/v1/me", {"username": "alice_2"}).status_code == 200


def test_patch_rejects_overlong_fields_and_changes_nothing(alice_client, alice):
    response = alice_client.patch("/api/v1/me", {"bio": "x" * 301, "display_name": "ok"})
    assert response.status_code == 400
    assert "bio" in response.json()["error"]["fields"]
    alice.refresh_from_db()
    assert alice.display_name == ""


def test_avatar_must_be_own_image(alice_client, alice, bob):
    mine, my_video, theirs = make_media(alice), make_media(alice, "video"), make_media(bob)
    for media_id in (theirs.pk, my_video.pk, 10_000):
        response = alice_client.patch("/api/v1/me", {"avatar": media_id})
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {"avatar": ["No such image of yours."]}
    assert alice_client.patch("/api/v1/me", {"avatar": mine.pk}).json()["avatar"] == mine.pk
    assert alice_client.patch("/api/v1/me", {"avatar": None}).json()["avatar"] is None


def test_public_profile(alice_client, bob):
    services.user_update_profile(user=bob, data={"display_name": "Bobby", "bio": "hi"})
    response = alice_client.get("/api/v1/users/BOB")
    assert response.status_code == 200
    assert response.json() == {
        "username": "bob",
        "display_name": "Bobby",
        "bio": "hi",
        "avatar": None,
        "avatar_url": None,
        "accepts_anonymous": True,
        "ip_region": None,
    }


def test_public_profile_of_unknown_or_banned_user_is_404(alice_client, bob):
    assert alice_client.get("/api/v1/users/nobody").status_code == 404
    services.user_ban(user=bob)
    response = alice_client.get("/api/v1/users/bob")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_delete_me_removes_user_tokens_and_owned_rows(alice, bob, api_client):
    pair = services.token_pair_for(alice)
    services.block_create(blocker=alice, username="bob")
    services.block_create(blocker=bob, username="alice")
    make_media(alice)
    client = api_client
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")

    assert client.delete("/api/v1/me").status_code == 204

    assert not User.objects.filter(pk=alice.pk).exists()
    assert not OutstandingToken.objects.filter(user_id=alice.pk).exists()
    assert not Block.objects.exists()
    assert not Media.objects.filter(owner_id=alice.pk).exists()
    assert User.objects.filter(pk=bob.pk).exists()
    # Neither token authenticates any more.
    assert client.get("/api/v1/me").status_code == 401
    client.credentials()
    assert client.post("/api/v1/auth/refresh", {"refresh": pair["refresh"]}).status_code == 401


def test_delete_is_one_transaction(alice, monkeypatch):
    # If the user row cannot go, the tokens stay too: the deletion is all or nothing.
    services.token_pair_for(alice)

    def refuse(*args, **kwargs):
        raise RuntimeError("database said no")

    monkeypatch.setattr(User, "delete", refuse)
    with pytest.raises(RuntimeError):
        services.user_delete(user=alice)
    assert OutstandingToken.objects.filter(user=alice).count() == 1
    assert User.objects.filter(pk=alice.pk).exists()


def test_someone_elses_token_cannot_delete(alice, bob, api_client):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token_for(bob)}")
    api_client.delete("/api/v1/me")
    assert User.objects.filter(pk=alice.pk).exists()


def test_avatar_url_serves_the_picture_to_other_users(alice_client, bob):
    photo = media_upload(owner=bob, file=SimpleUploadedFile("me.jpg", files.jpeg(200, 100)))
    services.user_update_profile(user=bob, data={"avatar": photo.pk})
    profile = alice_client.get("/api/v1/users/bob").json()
    assert profile["avatar"] == photo.pk
    url = profile["avatar_url"]
    assert url
    if "/media/file/" in url:
        response = Client().get(url)
        body = b"".join(response.streaming_content)
    else:
        response = requests.get(url, timeout=5)
        body = response.content
    assert response.status_code == 200
    assert body[:3] == b"\xff\xd8\xff"


def test_a_photo_sent_in_a_confession_cannot_become_the_avatar(alice_client, alice):
    photo = make_media(alice)
    media_attach(media=[photo])
    response = alice_client.patch("/api/v1/me", {"avatar": photo.pk})
    assert response.status_code == 400
    assert "avatar" in response.json()["error"]["fields"]


def test_an_avatar_is_media_in_use_and_the_one_it_replaces_goes(alice_client, alice):
    first, second = make_media(alice), make_media(alice)
    assert alice_client.patch("/api/v1/me", {"avatar": first.pk}).status_code == 200
    first.refresh_from_db()
    assert first.attached_at is not None  # in use, by the one rule media_app keeps
    # In use: not deletable while it is the avatar.
    refused = alice_client.delete(f"/api/v1/media/{first.pk}")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "media_attached")

    assert alice_client.patch("/api/v1/me", {"avatar": second.pk}).json()["avatar"] == second.pk
    # A former avatar never lingers where it could be sent anonymously later.
    assert not Media.objects.filter(pk=first.pk).exists()
    assert alice_client.patch("/api/v1/me", {"avatar": None}).json()["avatar"] is None
    assert not Media.objects.filter(pk=second.pk).exists()


def test_setting_the_same_avatar_again_changes_nothing(alice_client, alice):
    photo = make_media(alice)
    alice_client.patch("/api/v1/me", {"avatar": photo.pk})
    assert alice_client.patch("/api/v1/me", {"avatar": photo.pk}).json()["avatar"] == photo.pk
    photo.refresh_from_db()
    assert photo.attached_at is not None


def test_put_is_the_same_partial_update_as_patch(alice_client, alice):
    # wx.request has no PATCH: a mini program updates its profile with PUT.
    alice_client.patch("/api/v1/me", {"display_name": "Ann"})
    response = alice_client.put("/api/v1/me", {"bio": "hello"})
    assert response.status_code == 200, response.content
    alice.refresh_from_db()
    assert (alice.display_name, alice.bio) == ("Ann", "hello")


def test_every_patch_door_also_takes_put(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema").content)
    for path, operations in schema["paths"].items():
        if "patch" in operations:
            assert "put" in operations, path
