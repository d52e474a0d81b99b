"""One rendering of a media item, with fresh signed URLs, for every payload that shows one:
`GET /media/{id}` for its owner, and (through the confessions app) a confession's media for
its recipient. Who may see it is the caller's rule; this only renders."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from media_app.models import Media
from media_app.signed_urls import current_signer


def signed_url(key: str, content_type: str, *, request: HttpRequest | None = None) -> str:
    """A URL that serves `key` for at least MEDIA_URL_TTL_SECONDS, then stops working; the
    same URL all through its window (media_app.signed_urls)."""
    url = current_signer().path_or_url(key, content_type)
    if url.startswith("/") and request is not None:
        return request.build_absolute_uri(url)
    return url


def _image_type(key: str) -> str:
    """What a thumbnail we made is: WebP when it kept transparency, else JPEG."""
    return "image/webp" if key.endswith(".webp") else "image/jpeg"


def media_render(media: Media, *, request: HttpRequest | None = None) -> dict[str, Any]:
    return {
        "id": media.pk,
        "kind": media.kind,
        "content_type": media.content_type,
        "size": media.size,
        "width": media.width,
        "height": media.height,
        "duration": media.duration,
        "url": signed_url(media.storage_key, media.content_type, request=request),
        "thumbnail_url": signed_url(
            media.thumbnail_key, _image_type(media.thumbnail_key), request=request
        )
        if media.thumbnail_key
        else None,
    }


def avatar_url(media: Media, *, request: HttpRequest | None = None) -> str:
    """A profile picture: the image's thumbnail, signed like every other URL."""
    key = media.thumbnail_key or media.storage_key
    return signed_url(key, _image_type(key), request=request)
