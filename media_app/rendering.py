"""One rendering of a media item, with fresh signed URLs, for every payload that shows one:
`GET /media/{id}` for its owner, and (through the confessions app) a confession's media for
its recipient. Who may see it is the caller's rule; this only renders."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.urls import reverse
from storages.backends.s3 import S3Storage

from media_app.models import Media

FILE_TOKEN_SALT = "media_app.file"  # noqa: S105 - a signing namespace, not a secret


_public_signers: dict[tuple, S3Storage] = {}


def _url_signer() -> S3Storage:
    """The default storage, or a copy of it that signs for AWS_S3_PUBLIC_ENDPOINT_URL.
    Signing is local computation: the copy never connects anywhere."""
    public = settings.AWS_S3_PUBLIC_ENDPOINT_URL
    if not public:
        return default_storage
    options = {**settings.STORAGES["default"]["OPTIONS"], "endpoint_url": public}
    cache_key = (public, options["bucket_name"], options.get("access_key"))
    if cache_key not in _public_signers:
        _public_signers[cache_key] = S3Storage(**options)
    return _public_signers[cache_key]


def signed_url(key: str, content_type: str, *, request: HttpRequest | None = None) -> str:
    """A URL that serves `key` for MEDIA_URL_TTL_SECONDS and then stops working."""
    ttl = settings.MEDIA_URL_TTL_SECONDS
    if isinstance(default_storage, S3Storage):
        return _url_signer().url(
            key,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": "inline",
            },
            expire=ttl,
        )
    token = signing.dumps({"k": key, "t": content_type}, salt=FILE_TOKEN_SALT, compress=True)
    path = reverse("media-file", kwargs={"token": token})
    return request.build_absolute_uri(path) if request is not None else path


def media_render(media: Media, *, request: HttpRequest | None = None) -> dict[str, Any]:
    thumbnail_type = "image/webp" if media.thumbnail_key.endswith(".webp") else "image/jpeg"
    return {
        "id": media.pk,
        "kind": media.kind,
        "content_type": media.content_type,
        "size": media.size,
        "width": media.width,
        "height": media.height,
        "duration": media.duration,
        "url": signed_url(media.storage_key, media.content_type, request=request),
        "thumbnail_url": signed_url(media.thumbnail_key, thumbnail_type, request=request)
        if media.thumbnail_key
        else None,
    }


def avatar_url(media: Media, *, request: HttpRequest | None = None) -> str:
    """A profile picture: the image's thumbnail, signed like every other URL."""
    key = media.thumbnail_key or media.storage_key
    content_type = "image/webp" if key.endswith(".webp") else "image/jpeg"
    return signed_url(key, content_type, request=request)
