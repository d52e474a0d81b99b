"""POST /media: only clean, bounded images and videos are stored, under server-made keys."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from media_app import processing
from media_app.models import Media
from tests.media import files
from tests.media.conftest import upload

pytestmark = pytest.mark.django_db


def stored_bytes(key: str) -> bytes:
    with default_storage.open(key, "rb") as handle:
        return handle.read()


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert not Media.objects.exists()


def test_jpeg_with_gps_is_stored_without_any_metadata(alice_client):
    original = files.jpeg_with_gps_and_orientation(width=64, height=32)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the GPS is there
    response = upload(alice_client, original)
    assert response.status_code == 201, response.content
    body = response.json()
    media = Media.objects.get(pk=body["id"])
    stored = stored_bytes(media.storage_key)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert b"Exif" not in stored
    assert b"SecretPhone" not in stored
    assert "icc_profile" not in image.info
    # EXIF orientation 6 was applied to the pixels: 64x32 became 32x64.
    assert (body["width"], body["height"]) == (32, 64) == image.size
    assert body["kind"] == "image"
    assert body["content_type"] == "image/jpeg"
    assert body["size"] == len(stored)
    assert media.sha256 == hashlib.sha256(stored).hexdigest()
    thumbnail = Image.open(io.BytesIO(stored_bytes(media.thumbnail_key)))
    assert dict(thumbnail.getexif()) == {}


@pytest.mark.parametrize(("mode", "stored_format"), [("RGB", "JPEG"), ("RGBA", "PNG")])
def test_png_text_chunk_and_trailing_html_do_not_survive(alice_client, mode, stored_format):
    original = files.png_with_text_chunk_and_trailer(mode)
    assert files.HTML_PAYLOAD in original
    response = upload(alice_client, original, name="cute.png", content_type="image/png")
    assert response.status_code == 201, response.content
    media = Media.objects.get()
    stored = stored_bytes(media.storage_key)
    assert b"script" not in stored
    assert b"html" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == stored_format
    assert not image.info.get("Comment")
    assert not getattr(image, "text", None)
    # The stored file is exactly one encoded image: re-encoding it gives the same length.
    image.load()
    assert media.content_type == Image.MIME[stored_format]


@pytest.mark.parametrize(("mode", "stored_format"), [("RGB", "JPEG"), ("RGBA", "PNG")])
def test_no_words_of_a_big_image_survive_in_any_rendition(alice_client, mode, stored_format):
    original = files.big_with_words_inside(mode)
    name, content_type = ("a.jpg", "image/jpeg") if mode == "RGB" else ("a.png", "image/png")
    response = upload(alice_client, original, name=name, content_type=content_type)
    assert response.status_code == 201, response.content
    media = Media.objects.get()
    keys = [media.storage_key, media.display_key, media.thumbnail_key]
    assert all(keys)
    for key in keys:
        stored = stored_bytes(key)
        assert b"script" not in stored
        assert b"SecretPhone" not in stored
        image = Image.open(io.BytesIO(stored))
        assert image.format == stored_format
        assert dict(image.getexif()) == {}
        assert not {"comment", "icc_profile", "Comment"} & set(image.info), image.info


def test_transparent_images_stay_transparent_as_png_thumbnail_too(alice_client):
    # A mini program's <image> shows WebP only with its `webp` attribute: PNG, not WebP.
    response = upload(alice_client, files.png_with_text_chunk_and_trailer("RGBA"), name="s.png",
                      content_type="image/png")  # fmt: skip
    assert response.json()["content_type"] == "image/png"
    media = Media.objects.get()
    thumbnail = Image.open(io.BytesIO(stored_bytes(media.thumbnail_key)))
    assert (thumbnail.format, thumbnail.mode) == ("PNG", "RGBA")
    assert media.thumbnail_key.endswith(".png")


def test_thumbnail_is_bounded(alice_client):
    response = upload(alice_client, files.jpeg(width=1200, height=600))
    media = Media.objects.get(pk=response.json()["id"])
    thumbnail = Image.open(io.BytesIO(stored_bytes(media.thumbnail_key)))
    assert thumbnail.size == (480, 240)


def test_decompression_bomb_is_refused_from_its_header(alice_client):
    bomb = files.png_header_bomb(50_000, 50_000)
    assert len(bomb) < 1000
    assert_error(upload(alice_client, bomb, name="bomb.png"), 400, "image_too_large")


def test_pillow_bomb_warning_is_an_error(alice_client, settings):
    # Our own limit raised above Pillow's: Pillow's warning (89 MP) must still stop it.
    settings.MEDIA_MAX_IMAGE_PIXELS = 500_000_000
    bomb = files.png_header_bomb(10_000, 10_000)
    assert_error(upload(alice_client, bomb, name="bomb.png"), 400, "image_too_large")


def test_decoding_a_bomb_stays_within_bounded_memory():
    # In a process that may not grow past 1 GiB, the 50,000² bomb (7.5 GB decoded) is
    # refused cleanly: it is never decoded.
    script = f"""
import io, resource
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from django.conf import settings
settings.configure(MEDIA_MAX_IMAGE_PIXELS=40_000_000)
from media_app import processing
try:
    processing.process_image(io.BytesIO({files.png_header_bomb(50_000, 50_000)!r}), "PNG")
except processing.MediaRejected as exc:
    print("refused", exc.code)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.strip() == "refused image_too_large", result.stderr


def test_truncated_image_is_400(alice_client):
    whole = files.jpeg(width=200, height=200)
    assert_error(upload(alice_client, whole[: len(whole) // 2]), 400, "invalid_media")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xff\xd8\xff\xe0" + b"junk" * 100, id="jpeg-magic-then-junk"),
        pytest.param(files.jpeg(width=200, height=200)[:400], id="jpeg-cut-in-its-header"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, id="png-magic-then-zeros"),
        pytest.param(b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x01" * 64, id="webp-magic-then-junk"),
    ],
)
def test_unreadable_images_say_so_without_our_internals(alice_client, data):
    response = upload(alice_client, data, name="photo.jpg")
    assert_error(response, 400, "invalid_media")
    message = response.json()["error"]["message"]
    for internal in ("<", ">", "object at", "InMemoryUploadedFile", "BytesIO", "0x", "Pillow"):
        assert internal not in message, message


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(files.SVG, id="svg"),
        pytest.param(files.PDF, id="pdf"),
        pytest.param(files.EPS, id="eps"),
        pytest.param(files.tiff(), id="tiff"),
        pytest.param(files.gif(), id="gif"),
    ],
)
def test_disguised_formats_are_refused(alice_client, data):
    assert_error(upload(alice_client, data, name="photo.jpg"), 415, "unsupported_media_type")


def test_a_gif_is_refused_with_a_message_a_client_can_show(alice_client):
    response = upload(alice_client, files.gif(), name="sticker.gif", content_type="image/gif")
    assert_error(response, 415, "unsupported_media_type")
    assert "GIF" in response.json()["error"]["message"]


@pytest.mark.parametrize(("mode", "stored_format"), [("RGB", "JPEG"), ("RGBA", "PNG")])
def test_heic_becomes_jpeg_without_its_metadata(alice_client, mode, stored_format):
    original = files.heic_with_gps(64, 48, mode)
    assert original[4:12] == b"ftypheic"
    assert b"SecretPhone" in original
    response = upload(alice_client, original, name="IMG_0001.HEIC", content_type="image/heic")
    assert response.status_code == 201, response.content
    body = response.json()
    media = Media.objects.get(pk=body["id"])
    stored = stored_bytes(media.storage_key)
    image = Image.open(io.BytesIO(stored))
    assert image.format == stored_format
    assert body["content_type"] == Image.MIME[stored_format]
    assert (body["width"], body["height"]) == (64, 48) == image.size
    assert b"SecretPhone" not in stored
    assert dict(image.getexif()) == {}


def test_avif_becomes_jpeg(alice_client):
    response = upload(alice_client, files.avif(), name="photo.avif", content_type="image/avif")
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "image/jpeg"


def test_a_heic_header_bomb_is_refused_before_decoding(alice_client, settings):
    settings.MEDIA_MAX_IMAGE_PIXELS = 1000
    assert_error(upload(alice_client, files.heic_with_gps(64, 48)), 400, "image_too_large")


def test_a_big_image_gets_a_display_size_and_a_small_one_is_its_own(alice_client):
    big = upload(alice_client, files.jpeg(width=2000, height=1000)).json()
    media = Media.objects.get(pk=big["id"])
    display = Image.open(io.BytesIO(stored_bytes(media.display_key)))
    assert display.size == (1280, 640)
    assert display.format == "JPEG"
    assert big["display_url"] not in (big["url"], big["thumbnail_url"])
    small = upload(alice_client, files.jpeg(width=1280, height=200)).json()
    assert small["display_url"] == small["url"]
    assert not Media.objects.get(pk=small["id"]).display_key


@pytest.mark.django_db(transaction=True)
def test_deleting_media_deletes_its_display_size_too(alice_client):
    body = upload(alice_client, files.jpeg(width=1500, height=1500)).json()
    media = Media.objects.get(pk=body["id"])
    keys = [media.storage_key, media.thumbnail_key, media.display_key]
    assert all(default_storage.exists(key) for key in keys)
    assert alice_client.delete(f"/api/v1/media/{media.pk}").status_code == 204
    assert not any(default_storage.exists(key) for key in keys)


def test_text_renamed_mp4_is_400(alice_client):
    text = b"just some text pretending to be a video\n" * 20
    response = upload(alice_client, text, name="clip.mp4", content_type="video/mp4")
    assert_error(response, 400, "invalid_media")


def test_iso_bmff_without_a_movie_is_400(alice_client):
    fake = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 200
    assert_error(upload(alice_client, fake, name="clip.mp4"), 400, "invalid_media")


def test_client_content_type_and_name_are_ignored(alice_client):
    response = upload(alice_client, files.jpeg(), name="evil.html", content_type="text/html")
    assert response.status_code == 201
    media = Media.objects.get()
    assert media.content_type == "image/jpeg"
    assert media.storage_key.endswith(".jpg")
    assert "evil" not in media.storage_key


def test_oversize_image_is_413(alice_client, settings):
    settings.MEDIA_MAX_IMAGE_BYTES = 1000
    big = files.jpeg(width=300, height=300, quality=100)
    assert len(big) > 1000
    assert_error(upload(alice_client, big), 413, "payload_too_large")


def test_oversize_body_is_refused_before_it_is_read(alice_client, settings):
    settings.MEDIA_MAX_IMAGE_BYTES = settings.MEDIA_MAX_VIDEO_BYTES = 10_000
    response = upload(alice_client, b"\xff\xd8\xff" + b"\x00" * 200_000)
    assert_error(response, 413, "payload_too_large")


def test_missing_file_is_a_validation_error(alice_client):
    response = alice_client.post("/api/v1/media", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]


def test_json_body_is_415(alice_client):
    assert alice_client.post("/api/v1/media", {"file": "x"}).status_code == 415


def test_upload_needs_a_token(api_client):
    assert upload(api_client, files.jpeg()).status_code == 401


def test_two_users_uploading_1_jpg_never_overwrite_each_other(alice_client, bob_token, bob):
    from rest_framework.test import APIClient

    bob_client = APIClient()
    bob_client.credentials(HTTP_AUTHORIZATION=f"Bearer {bob_token}")
    alices = upload(alice_client, files.jpeg(width=40, height=30), name="1.jpg").json()
    bobs = upload(bob_client, files.jpeg(width=30, height=40), name="1.jpg").json()
    alice_media, bob_media = Media.objects.get(pk=alices["id"]), Media.objects.get(pk=bobs["id"])
    assert alice_media.storage_key != bob_media.storage_key
    assert Image.open(io.BytesIO(stored_bytes(alice_media.storage_key))).size == (40, 30)
    assert Image.open(io.BytesIO(stored_bytes(bob_media.storage_key))).size == (30, 40)


def test_keys_say_nothing_of_the_owner(alice_client, alice):
    first = Media.objects.get(pk=upload(alice_client, files.jpeg()).json()["id"])
    second = Media.objects.get(pk=upload(alice_client, files.jpeg()).json()["id"])
    assert re.fullmatch(r"m/[0-9a-f]{32}\.jpg", first.storage_key)
    assert re.fullmatch(r"m/[0-9a-f]{32}_thumb\.jpg", first.thumbnail_key)
    # Two uploads of one user share nothing but the fixed "m/".
    assert first.storage_key.split("/")[1][:32] != second.storage_key.split("/")[1][:32]


def test_short_video_is_measured_and_gets_a_poster(alice_client, short_video):
    response = upload(alice_client, short_video, name="x.bin", content_type="text/plain")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "video"
    assert body["content_type"] == "video/mp4"
    assert 2.5 <= body["duration"] <= 3.5
    assert (body["width"], body["height"]) == (64, 48)
    assert body["display_url"] is None  # the thumbnail is the poster
    media = Media.objects.get()
    assert stored_bytes(media.storage_key) == short_video
    poster = Image.open(io.BytesIO(stored_bytes(media.thumbnail_key)))
    assert poster.format == "JPEG"
    assert poster.size == (64, 48)


def test_two_minute_video_is_400(alice_client, long_video):
    assert_error(upload(alice_client, long_video, name="long.mp4"), 400, "video_too_long")


def test_oversize_video_is_413(alice_client, short_video, settings):
    settings.MEDIA_MAX_VIDEO_BYTES = len(short_video) - 1
    assert_error(upload(alice_client, short_video, name="x.mp4"), 413, "payload_too_large")


def test_daily_upload_count_is_limited(alice_client, settings):
    settings.MEDIA_UPLOADS_PER_DAY = 2
    assert upload(alice_client, files.jpeg()).status_code == 201
    assert upload(alice_client, files.jpeg()).status_code == 201
    response = upload(alice_client, files.jpeg())
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert response["Retry-After"]
    assert Media.objects.count() == 2


def test_storage_quota_is_413(alice_client, settings):
    settings.MEDIA_QUOTA_BYTES = 500
    response = upload(alice_client, files.jpeg(width=100, height=100))
    assert_error(response, 413, "payload_too_large")


def _zlib_level_class(png: bytes) -> int:
    """FLEVEL of the zlib stream in a PNG's first IDAT chunk: 0 for zlib's fastest level, 2
    for its default (RFC 1950)."""
    at = png.index(b"IDAT") + 4
    return png[at + 1] >> 6


@pytest.mark.parametrize(
    ("size", "level"),
    [((1170, 2532), 2), ((2600, 1600), 0)],
    ids=["screenshot-default-level", "past-4-mp-fastest-level"],
)
def test_a_big_png_original_is_compressed_at_zlibs_fastest_level(size, level):
    """A PNG original's encoding is bounded: past PNG_DEFAULT_LEVEL_PIXELS zlib's fastest
    level (at its default, a 12 MP photo with transparency held a server thread 5 s)."""
    image = Image.new("RGBA", size, (200, 120, 40, 128))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    processed = processing.process_image(io.BytesIO(buffer.getvalue()), "PNG")
    assert processed.main.content_type == "image/png"
    assert _zlib_level_class(processed.main.data) == level
    # The display size and the thumbnail stay optimised (zlib's level 9).
    assert _zlib_level_class(processed.thumbnail.data) == 3
