"""Who sees media, signed URLs, deletion, storage failures, attachment rules, cleanup."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest
import requests
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from media_app import services
from media_app.models import Media
from tests.conftest import access_token_for, s3_storages
from tests.factories import make_media
from tests.media import files
from tests.media.conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_photo(alice_client) -> dict:
    response = upload(alice_client, files.jpeg())
    assert response.status_code == 201
    return response.json()


def client_for(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_owner_gets_metadata_and_fresh_signed_urls(alice_client, alices_photo):
    response = alice_client.get(f"/api/v1/media/{alices_photo['id']}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "kind", "content_type", "size", "width", "height", "duration",
                         "url", "display_url", "thumbnail_url"}  # fmt: skip
    assert body["url"]
    assert body["thumbnail_url"]
    assert body["url"] != body["thumbnail_url"]


def test_another_user_gets_404_and_staff_gets_it(alices_photo, bob_token, django_user_model):
    response = client_for(bob_token).get(f"/api/v1/media/{alices_photo['id']}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client_for(bob_token).delete(f"/api/v1/media/{alices_photo['id']}").status_code == 404
    assert Media.objects.filter(pk=alices_photo["id"]).exists()
    staff = django_user_model.objects.create_user(username="mod", is_staff=True)
    staff_response = client_for(access_token_for(staff)).get(f"/api/v1/media/{alices_photo['id']}")
    assert staff_response.status_code == 200


def test_unknown_id_is_404(alice_client):
    assert alice_client.get("/api/v1/media/999999").status_code == 404


def test_owner_deletes_unattached_media_and_its_objects(
    alice_client, alices_photo, django_capture_on_commit_callbacks
):
    media = Media.objects.get(pk=alices_photo["id"])
    keys = [media.storage_key, media.thumbnail_key]
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.delete(f"/api/v1/media/{media.pk}")
    assert response.status_code == 204
    assert not Media.objects.exists()
    assert not any(default_storage.exists(key) for key in keys)


def test_attached_media_cannot_be_deleted(alice_client, alices_photo):
    media = Media.objects.get(pk=alices_photo["id"])
    services.media_attach(media=[media])
    response = alice_client.delete(f"/api/v1/media/{media.pk}")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "media_attached"
    assert default_storage.exists(media.storage_key)


def test_deleting_the_user_deletes_their_files(
    alice, alices_photo, django_capture_on_commit_callbacks
):
    media = Media.objects.get(pk=alices_photo["id"])
    keys = [media.storage_key, media.thumbnail_key]
    with django_capture_on_commit_callbacks(execute=True):
        account_services.user_delete(user=alice)
    assert not Media.objects.exists()
    assert not any(default_storage.exists(key) for key in keys)


# --- signed URLs: filesystem storage ------------------------------------------------------


@pytest.fixture
def filesystem_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "fs-media"},
        },
    }


def test_filesystem_signed_url_serves_safely_then_expires(
    filesystem_storage, alice_client, settings
):
    body = upload(alice_client, files.jpeg(), name="x.html", content_type="text/html").json()
    client = Client()
    response = client.get(body["url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="media.jpg"'
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"

    tampered = body["url"][:-3] + ("aaa" if not body["url"].endswith("aaa") else "bbb")
    assert client.get(tampered).status_code == 404
    settings.MEDIA_URL_TTL_SECONDS = 1
    short = alice_client.get(f"/api/v1/media/{body['id']}").json()["url"]
    assert client.get(short).status_code == 200
    time.sleep(2.1)
    assert client.get(short).status_code == 404


def test_filesystem_files_answer_a_range_as_ios_asks_of_video(filesystem_storage, alice_client):
    url = upload(alice_client, files.jpeg()).json()["url"]
    client = Client()
    whole = client.get(url)
    data = b"".join(whole.streaming_content)
    assert whole["Accept-Ranges"] == "bytes"
    size = len(data)

    first = client.get(url, HTTP_RANGE="bytes=0-1")
    assert first.status_code == 206
    assert b"".join(first.streaming_content) == data[:2]
    assert first["Content-Range"] == f"bytes 0-1/{size}"
    assert first["Content-Length"] == "2"
    assert first["X-Content-Type-Options"] == "nosniff"
    middle = client.get(url, HTTP_RANGE=f"bytes=100-{size + 50}")
    assert b"".join(middle.streaming_content) == data[100:]
    assert middle["Content-Range"] == f"bytes 100-{size - 1}/{size}"
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == data[-10:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={size}-")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{size}"
    for ignored in ("bytes=0-1,5-6", "items=0-1", "bytes=abc"):
        response = client.get(url, HTTP_RANGE=ignored)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data


def test_filesystem_urls_are_absolute(filesystem_storage, alice_client):
    body = upload(alice_client, files.jpeg()).json()
    assert body["url"].startswith("http://testserver/media/file/")


# --- signed URLs: S3 ------------------------------------------------------------------------


@pytest.mark.service("s3")
def test_s3_object_is_private_signed_url_works_then_expires(
    s3_storage_settings, s3_server, alice_client, settings
):
    body = upload(alice_client, files.jpeg(), name="x.html", content_type="text/html").json()
    media = Media.objects.get(pk=body["id"])
    unsigned = requests.get(f"{s3_server.endpoint_url}/{s3_server.bucket}/{media.storage_key}",
                            timeout=5)  # fmt: skip
    assert unsigned.status_code == 403
    signed = requests.get(body["url"], timeout=5)
    assert signed.status_code == 200
    assert signed.headers["Content-Type"] == "image/jpeg"
    assert signed.content[:3] == b"\xff\xd8\xff"
    head = s3_server.client().head_object(Bucket=s3_server.bucket, Key=media.storage_key)
    assert head["ContentType"] == "image/jpeg"

    settings.MEDIA_URL_TTL_SECONDS = 1
    short = alice_client.get(f"/api/v1/media/{body['id']}").json()["url"]
    # Signed as of its 1 s window's start, valid for the window and one TTL after it.
    assert "X-Amz-Expires=2&" in short
    time.sleep(2.2)
    assert requests.get(short, timeout=5).status_code == 403


@pytest.mark.service("s3")
def test_urls_are_signed_for_the_public_endpoint(s3_storage_settings, s3_server, alice_client,
                                                 settings):  # fmt: skip
    # The server reaches S3 at 127.0.0.1; clients are told another name for it.
    settings.AWS_S3_PUBLIC_ENDPOINT_URL = s3_server.endpoint_url.replace("127.0.0.1", "localhost")
    body = upload(alice_client, files.jpeg()).json()
    assert body["url"].startswith(settings.AWS_S3_PUBLIC_ENDPOINT_URL + "/")
    response = requests.get(body["url"], timeout=5)
    assert response.status_code == 200
    assert response.content[:3] == b"\xff\xd8\xff"


# --- storage failures ------------------------------------------------------------------------


def s3_at(settings, endpoint: str, **overrides) -> None:
    from confessions_backend.settings import s3_storage

    options = dict(
        bucket_name="confessions-test", endpoint_url=endpoint, region_name="us-east-1",
        access_key="key", secret_key="secret", addressing_style="path", timeout_seconds=1,
        url_ttl_seconds=300,
    ) | overrides  # fmt: skip
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(**options)}


def test_s3_unreachable_is_503_and_no_row(alice_client, settings, dead_port):
    s3_at(settings, f"http://127.0.0.1:{dead_port}")
    response = upload(alice_client, files.jpeg())
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert not Media.objects.exists()


def test_s3_that_never_answers_is_503_within_the_timeout(alice_client, settings):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # accepts connections, never says a word
    try:
        s3_at(settings, f"http://127.0.0.1:{silent.getsockname()[1]}")
        started = time.monotonic()
        response = upload(alice_client, files.jpeg())
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert response.status_code == 503
    assert not Media.objects.exists()
    assert elapsed < 4  # 1 s a read, two attempts (README: within twice AWS_S3_TIMEOUT_SECONDS)


@pytest.mark.service("s3")
def test_s3_refusing_our_credentials_is_503(alice_client, settings, s3_server):
    settings.STORAGES = s3_storages(s3_server, secret_key="wrong")
    response = upload(alice_client, files.jpeg())
    assert response.status_code == 503
    assert not Media.objects.exists()


@pytest.fixture
def media_inserts_refused(django_db_blocker):
    """A real database refusal of the Media insert (a trigger), not a mock."""
    if connection.vendor == "postgresql":
        create = [
            "CREATE FUNCTION refuse_media() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'refused by test trigger'; END; $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_media BEFORE INSERT ON media_app_media "
            "FOR EACH ROW EXECUTE FUNCTION refuse_media()",
        ]
        drop = ["DROP TRIGGER refuse_media ON media_app_media", "DROP FUNCTION refuse_media()"]
    else:
        create = [
            "CREATE TRIGGER refuse_media BEFORE INSERT ON media_app_media "
            "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
        ]
        drop = ["DROP TRIGGER refuse_media"]
    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement)


@pytest.mark.django_db(transaction=True)
def test_objects_written_before_a_failed_insert_are_removed(alice, media_inserts_refused):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def stored() -> set[str]:
        if not default_storage.exists(services.KEY_PREFIX + "/"):
            return set()
        return set(default_storage.listdir(services.KEY_PREFIX)[1])

    before = stored()
    with pytest.raises(DatabaseError):
        services.media_upload(owner=alice, file=SimpleUploadedFile("1.jpg", files.jpeg()))
    assert stored() == before
    assert not Media.objects.exists()


# --- attachment rules (what the confessions app calls) ------------------------------------


def test_attachment_rules(alice, bob):
    images = [make_media(alice) for _ in range(10)]
    video, other_video = make_media(alice, "video"), make_media(alice, "video")
    assert services.media_for_attachment(owner=alice, media_ids=[i.pk for i in images[:9]])
    assert services.media_for_attachment(owner=alice, media_ids=[video.pk]) == [video]
    refused = [
        [i.pk for i in images],  # ten images
        [video.pk, images[0].pk],  # a video with company
        [video.pk, other_video.pk],
        [make_media(bob).pk],  # someone else's
        [999_999],
        [images[0].pk, images[0].pk],
    ]
    for media_ids in refused:
        with pytest.raises(ValidationError) as raised:
            services.media_for_attachment(owner=alice, media_ids=media_ids)
        assert "media" in raised.value.message_dict


def test_attach_is_once_only(alice):
    first, second = make_media(alice), make_media(alice)
    services.media_attach(media=[first])
    with pytest.raises(ValidationError):
        services.media_for_attachment(owner=alice, media_ids=[first.pk])
    with pytest.raises(ValidationError):
        services.media_attach(media=[second, first])  # raced: first was taken meanwhile
    second.refresh_from_db()
    assert second.attached_at is None


def test_avatar_cannot_be_attached(alice):
    avatar = make_media(alice)
    account_services.user_update_profile(user=alice, data={"avatar": avatar.pk})
    with pytest.raises(ValidationError):
        services.media_for_attachment(owner=alice, media_ids=[avatar.pk])


def test_cleanup_removes_only_old_unattached_uploads(alice, django_capture_on_commit_callbacks):
    old = timezone.now() - timedelta(hours=30)
    stale, attached, avatar, fresh = (
        make_media(alice),
        make_media(alice),
        make_media(alice),
        make_media(alice),
    )
    services.media_attach(media=[attached])
    account_services.user_update_profile(user=alice, data={"avatar": avatar.pk})
    Media.objects.filter(pk__in=[stale.pk, attached.pk, avatar.pk]).update(created_at=old)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("media_cleanup", "--hours", "24", stdout=None)
    assert set(Media.objects.values_list("pk", flat=True)) == {attached.pk, avatar.pk, fresh.pk}
