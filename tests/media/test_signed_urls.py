"""Our SigV4 presigner against botocore's, at the same instant: the same signature for
path-style and virtual-hosted buckets, with and without a session token, for awkward keys.
(The S3 tests in test_access.py also fetch through such URLs from SeaweedFS.)"""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.config import Config

from media_app.signed_urls import S3Target, s3_presigned, window_start

SIGNED_AT = 1_790_000_000  # a fixed instant


@pytest.mark.parametrize("style", ["path", "virtual"])
@pytest.mark.parametrize("token", [None, "session-token/with+odd=chars"])
@pytest.mark.parametrize("key", ["m/0123abcd.jpg", "m/with space & ünïcode+plus.webp"])
def test_our_presigned_urls_are_botocores(monkeypatch, style, token, key):
    monkeypatch.setattr(
        "botocore.auth.get_current_datetime",
        lambda: datetime.datetime.fromtimestamp(SIGNED_AT, tz=datetime.UTC).replace(tzinfo=None),
    )
    client = boto3.client(
        "s3", endpoint_url="http://s3.example.test:9000", region_name="eu-west-3",
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret/key+example",
        aws_session_token=token,
        config=Config(signature_version="s3v4", s3={"addressing_style": style}),
    )  # fmt: skip
    theirs = client.generate_presigned_url(
        "get_object",
        Params={"Bucket": "bucket", "Key": key, "ResponseContentType": "image/jpeg",
                "ResponseContentDisposition": "inline"},
        ExpiresIn=600,
    )  # fmt: skip
    host, prefix = ("s3.example.test:9000", "/bucket") if style == "path" else (
        "bucket.s3.example.test:9000", "")  # fmt: skip
    target = S3Target("http", host, prefix, "eu-west-3", "AKIDEXAMPLE", "secret/key+example",
                      token)  # fmt: skip
    ours = s3_presigned(target, key, "image/jpeg", SIGNED_AT, 600)

    theirs_parts, ours_parts = urlsplit(theirs), urlsplit(ours)
    assert (ours_parts.netloc, ours_parts.path) == (theirs_parts.netloc, theirs_parts.path)
    assert parse_qs(ours_parts.query) == parse_qs(theirs_parts.query)


def test_a_window_gives_one_url_then_the_next_window_another():
    assert window_start(1000.0, 300) == window_start(1199.9, 300) == 900
    assert window_start(1200.0, 300) == 1200


def test_a_remembered_rendering_is_the_rendering_of_those_values_for_that_site(settings, tmp_path):
    """Renderings are remembered for a window (media_app.rendering): a changed row, another
    site (filesystem URLs are made absolute against the request) or another window renders
    anew, and what a caller gets is its own copy."""
    from django.test import RequestFactory

    from media_app.rendering import MEDIA_FIELDS, Urls, media_values_render

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path, "base_url": "/media/"}}}  # fmt: skip
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    row = dict.fromkeys(MEDIA_FIELDS) | {"id": 1, "kind": "image", "content_type": "image/jpeg",
                                        "storage_key": "m/a.jpg", "size": 10}  # fmt: skip
    factory = RequestFactory()
    here = Urls(factory.get("/", HTTP_HOST="one.example"))
    first = media_values_render(row, here)
    assert first["url"].startswith("http://one.example/")
    assert first["thumbnail_url"] is None
    first["url"] = "tampered"
    assert media_values_render(row, here)["url"].startswith("http://one.example/")
    processed = row | {"thumbnail_key": "m/a_thumb.jpg"}
    assert media_values_render(processed, here)["thumbnail_url"].startswith("http://one.example/")
    there = Urls(factory.get("/", HTTP_HOST="two.example"))
    assert media_values_render(row, there)["url"].startswith("http://two.example/")
    assert there.avatar("m/a.jpg", None).startswith("http://two.example/")
    assert here.avatar("m/a.jpg", None).startswith("http://one.example/")
    settings.MEDIA_URL_TTL_SECONDS = settings.MEDIA_URL_TTL_SECONDS + 1  # a new signer
    assert (
        media_values_render(row, Urls(factory.get("/", HTTP_HOST="one.example")))["url"]
        != (media_values_render(row, here)["url"])
    )
