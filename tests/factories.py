"""Model factories and payload helpers shared by the tests (STYLE.md: in one place)."""

from __future__ import annotations

from rest_framework.test import APIClient

from media_app.models import Media
from media_app.services import new_storage_key_base


def make_media(owner, kind: str = "image", **fields) -> Media:
    """A ready Media row keyed as media_app keys uploads (the upload path has its own tests)."""
    base = new_storage_key_base()
    extension = "jpg" if kind == "image" else "mp4"
    return Media.objects.create(
        owner=owner,
        kind=kind,
        storage_key=f"{base}.{extension}",
        content_type="image/jpeg" if kind == "image" else "video/mp4",
        size=100,
        width=10,
        height=10,
        thumbnail_key=f"{base}_thumb.jpg",
        sha256="0" * 64,
        **fields,
    )


def client_of(user) -> APIClient:
    """An API client signed in as `user` with a fresh access token."""
    from tests.conftest import access_token_for

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token_for(user)}")
    return client


def without_urls(value):
    """A payload without its (signed, expiring) URLs, to compare two payloads' contents."""
    if isinstance(value, dict):
        return {key: without_urls(item) for key, item in value.items() if not key.endswith("url")}
    if isinstance(value, list):
        return [without_urls(item) for item in value]
    return value
