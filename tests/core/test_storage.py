"""Media storage against a real S3 server (SeaweedFS): private objects, signed expiring URLs."""

from __future__ import annotations

import time

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

pytestmark = pytest.mark.service("s3")


@pytest.fixture
def stored(s3_storage_settings):
    name = default_storage.save("users/1/photo.jpg", ContentFile(b"\xff\xd8 not really a jpeg"))
    yield name
    default_storage.delete(name)


def test_objects_are_private(stored, s3_server):
    unsigned = requests.get(f"{s3_server.endpoint_url}/{s3_server.bucket}/{stored}", timeout=5)
    assert unsigned.status_code == 403


def test_signed_url_works_then_expires(stored, settings):
    url = default_storage.url(stored)
    assert "X-Amz-Signature=" in url
    assert f"X-Amz-Expires={settings.MEDIA_URL_TTL_SECONDS}" in url
    response = requests.get(url, timeout=5)
    assert response.status_code == 200
    assert response.content == b"\xff\xd8 not really a jpeg"

    short = default_storage.url(stored, expire=1)
    assert requests.get(short, timeout=5).status_code == 200
    time.sleep(2.2)
    assert requests.get(short, timeout=5).status_code == 403


def test_a_tampered_signature_is_refused(stored):
    url = default_storage.url(stored)
    tampered = url.replace("photo.jpg", "photo.jpeg")
    assert requests.get(tampered, timeout=5).status_code in (403, 404)
    forged = url.replace("X-Amz-Signature=", "X-Amz-Signature=0")
    assert requests.get(forged, timeout=5).status_code == 403


def test_no_public_acl_is_set(stored, s3_server):
    acl = s3_server.client().get_object_acl(Bucket=s3_server.bucket, Key=stored)
    for grant in acl["Grants"]:
        uri = grant["Grantee"].get("URI", "")
        assert "AllUsers" not in uri
        assert "AuthenticatedUsers" not in uri


def test_delete_removes_the_object(s3_storage_settings, s3_server):
    name = default_storage.save("users/2/gone.txt", ContentFile(b"bye"))
    assert default_storage.exists(name)
    default_storage.delete(name)
    assert not default_storage.exists(name)
