"""One rendering of a media item, with signed URLs, for every payload that shows one:
`GET /media/{id}` for its owner, and (through the confessions app) a confession's media for
its recipient. Who may see it is the caller's rule; this only renders.

A response makes its URLs through one `Urls`: one signer (media_app.signed_urls) for the
whole response, and absolute links against its request.

A media item renders the same for everyone all through a signing window (its URLs are the
window's), so each rendering is remembered for the window, on the window's signer: a page of
photos then costs a look-up per item instead of three URLs and a dict each. Nothing in it
says who is looking."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from operator import itemgetter
from typing import Annotated, Any, Literal, TypedDict

from django.http import HttpRequest

from core.payloads import URL, Doc
from media_app.models import Media
from media_app.signed_urls import current_signer

# What a rendering reads of a media row (`values()` names, or a Media's attributes).
MEDIA_FIELDS = (
    "id",
    "kind",
    "content_type",
    "size",
    "width",
    "height",
    "duration",
    "storage_key",
    "thumbnail_key",
    "display_key",
)


_REMEMBERED = 20_000  # renderings kept a window, per process (a few MB)


class Urls:
    """Signed URLs for one response. Each serves its key for at least MEDIA_URL_TTL_SECONDS,
    then stops working, and is the same URL all through its window."""

    __slots__ = ("_remembered", "request", "signer")

    def __init__(self, request: HttpRequest | None = None) -> None:
        self.signer = current_signer()
        self.request = request
        self._remembered = None

    def remembered(self) -> tuple[dict, Any]:
        """The window's renderings, and what else they depend on: the site the request came
        to, where URLs are paths made absolute against it (the filesystem's)."""
        if self._remembered is None:
            renderings = self.signer.renderings
            if len(renderings) > _REMEMBERED:
                renderings.clear()
            site = None
            if self.request is not None and self.signer.target is None:
                site = self.request.build_absolute_uri("/")
            self._remembered = (renderings, site)
        return self._remembered

    def __call__(self, key: str, content_type: str) -> str:
        url = self.signer.path_or_url(key, content_type)
        if url[0] == "/" and self.request is not None:
            return self.request.build_absolute_uri(url)
        return url

    def avatar(self, storage_key: str | None, thumbnail_key: str | None) -> str | None:
        """A profile picture (the image's thumbnail), or None for no picture."""
        key = thumbnail_key or storage_key
        if not key:
            return None
        renderings, site = self.remembered()
        remembered = ("avatar", site, key)
        url = renderings.get(remembered)
        if url is None:
            url = renderings[remembered] = self(key, image_type(key))
        return url


def image_type(key: str) -> str:
    """What a thumbnail we made is: PNG when it kept transparency (WebP before 2026-11-21),
    else JPEG."""
    if key.endswith(".png"):
        return "image/png"
    return "image/webp" if key.endswith(".webp") else "image/jpeg"


@lru_cache(maxsize=8)
def _fields(prefix: str) -> itemgetter:
    return itemgetter(*(prefix + name for name in MEDIA_FIELDS))


class MediaPayload(TypedDict):
    id: int
    kind: Literal["image", "video"]
    content_type: str
    size: int
    width: int | None
    height: int | None
    duration: Annotated[float | None, Doc("seconds, videos only")]
    url: Annotated[str, URL, Doc("signed, expires after MEDIA_URL_TTL_SECONDS")]
    display_url: Annotated[
        str | None,
        URL,
        Doc(
            "images: at most 1280 px a side, for cards (the original itself when it is that "
            "small); videos: null"
        ),
    ]
    thumbnail_url: Annotated[str | None, URL, Doc("480 px a side")]


def media_values_render(values: Mapping[str, Any], urls: Urls, prefix: str = "") -> MediaPayload:
    """A media row (`MEDIA_FIELDS`, each name after `prefix`) as clients see it: a copy of
    the window's rendering of those very values."""
    renderings, site = urls.remembered()
    remembered = (site, _fields(prefix)(values))
    rendered: MediaPayload | None = renderings.get(remembered)
    if rendered is None:
        rendered = renderings[remembered] = _render(values, urls, prefix)
    return rendered.copy()


def _render(values: Mapping[str, Any], urls: Urls, prefix: str) -> MediaPayload:
    thumbnail = values[prefix + "thumbnail_key"]
    kind = values[prefix + "kind"]
    url = urls(values[prefix + "storage_key"], values[prefix + "content_type"])
    display = values[prefix + "display_key"]
    return {
        "id": values[prefix + "id"],
        "kind": kind,
        "content_type": values[prefix + "content_type"],
        "size": values[prefix + "size"],
        "width": values[prefix + "width"],
        "height": values[prefix + "height"],
        "duration": values[prefix + "duration"],
        "url": url,
        # Images: at most 1280 px a side (the original itself when it is that small already);
        # videos: None (their thumbnail is the poster).
        "display_url": (urls(display, image_type(display)) if display else url)
        if kind == "image"
        else None,
        "thumbnail_url": urls(thumbnail, image_type(thumbnail)) if thumbnail else None,
    }


def media_render(media: Media, *, request: HttpRequest | None = None) -> MediaPayload:
    return media_values_render({name: getattr(media, name) for name in MEDIA_FIELDS}, Urls(request))


def avatar_url(media: Media, *, request: HttpRequest | None = None) -> str:
    return Urls(request).avatar(media.storage_key, media.thumbnail_key)
