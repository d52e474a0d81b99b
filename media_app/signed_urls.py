"""Signed media URLs: private, expiring, and the same for the same object within a window.

Every URL we hand out is signed and expires. Two costs shaped how:
- boto3's presigner costs about 0.3 ms a URL, and an inbox page carries ~110 of them;
- a URL that changes on every response defeats the caches of `<image>`, `wx.previewImage`
  and any CDN, so phones download the same photo again and again.

So time is cut into windows of `MEDIA_URL_TTL_SECONDS`. Every URL made within one window is
signed as of the window's start and expires `window + TTL` after it: it is valid at least TTL
seconds from when it is handed out and at most twice that, and it is the same URL all window
long, so it is made once per process and window (an LRU cache) and clients can cache the image.

S3 URLs are AWS Signature Version 4 query-string presigns, computed here (a few HMACs, with
the day's signing key cached) and tested against SeaweedFS; filesystem URLs carry a token
signed with SECRET_KEY that names the object, its type and its expiry.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote, urlsplit

import boto3
from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.functional import empty
from storages.backends.s3 import S3Storage

FILE_TOKEN_SALT = "media_app.file"  # noqa: S105 - a signing namespace, not a secret
CACHE_SIZE = 50_000


def window_start(now: float, ttl: int) -> int:
    return int(now) // ttl * ttl


# --- S3 ---------------------------------------------------------------------------------------


class S3Target(NamedTuple):
    """Where and as whom to sign (hashable: part of the cache key)."""

    scheme: str
    host: str  # as clients reach it, with the port if not the default
    path_prefix: str  # "/<bucket>" for path-style addressing, "" for virtual hosts
    region: str
    access_key: str
    secret_key: str
    token: str | None


@lru_cache(maxsize=16)
def _credentials_chain(region: str):
    return boto3.Session(region_name=region).get_credentials()


def s3_target(storage: S3Storage) -> S3Target:
    endpoint = settings.AWS_S3_PUBLIC_ENDPOINT_URL or storage.endpoint_url
    region = storage.region_name or "us-east-1"
    if not endpoint:
        endpoint = f"https://s3.{region}.amazonaws.com"
    parts = urlsplit(endpoint)
    style = (storage.client_config.s3 or {}).get("addressing_style", "virtual")
    host, prefix = parts.netloc, f"/{storage.bucket_name}"
    if style != "path":
        host, prefix = f"{storage.bucket_name}.{parts.netloc}", ""
    if storage.access_key and storage.secret_key:
        access_key, secret_key, token = storage.access_key, storage.secret_key, None
    else:  # boto3's chain: environment, ~/.aws, an instance or task role (with a token)
        frozen = _credentials_chain(region).get_frozen_credentials()
        access_key, secret_key, token = frozen.access_key, frozen.secret_key, frozen.token
    return S3Target(parts.scheme, host, prefix, region, access_key, secret_key, token)


@lru_cache(maxsize=64)
def _signing_key(secret_key: str, day: str, region: str) -> bytes:
    key = hmac.new(f"AWS4{secret_key}".encode(), day.encode(), hashlib.sha256).digest()
    for part in (region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _encode(value: str, safe: str = "-_.~") -> str:
    return quote(value, safe=safe)


@lru_cache(maxsize=CACHE_SIZE)
def s3_presigned(
    target: S3Target, key: str, content_type: str, signed_at: int, expires: int
) -> str:
    """A SigV4 presigned GET of `key`, signed as of `signed_at`, valid for `expires` seconds,
    that makes S3 answer with `content_type`, inline."""
    stamp = datetime.fromtimestamp(signed_at, tz=UTC)
    amz_date, day = stamp.strftime("%Y%m%dT%H%M%SZ"), stamp.strftime("%Y%m%d")
    scope = f"{day}/{target.region}/s3/aws4_request"
    query = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{target.access_key}/{scope}",
        "X-Amz-Date": amz_date,
        "X-Amz-Expires": str(expires),
        "X-Amz-SignedHeaders": "host",
        "response-content-disposition": "inline",
        "response-content-type": content_type,
    }
    if target.token:
        query["X-Amz-Security-Token"] = target.token
    canonical_query = "&".join(
        f"{_encode(name)}={_encode(value)}" for name, value in sorted(query.items())
    )
    path = _encode(f"{target.path_prefix}/{key}", safe="/-_.~")
    canonical_request = "\n".join(
        ("GET", path, canonical_query, f"host:{target.host}\n", "host", "UNSIGNED-PAYLOAD")
    )
    to_sign = "\n".join(
        (
            "AWS4-HMAC-SHA256",
            amz_date,
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        )
    )
    signature = hmac.new(
        _signing_key(target.secret_key, day, target.region), to_sign.encode(), hashlib.sha256
    ).hexdigest()
    return f"{target.scheme}://{target.host}{path}?{canonical_query}&X-Amz-Signature={signature}"


# --- filesystem -------------------------------------------------------------------------------


@lru_cache(maxsize=CACHE_SIZE)
def file_path(key: str, content_type: str, expires_at: int, secret: str) -> str:
    """The path of our own signed file view for `key`, valid until `expires_at` (epoch s).
    `secret` is SECRET_KEY, part of the cache key so a rotated key signs anew."""
    token = signing.dumps(
        {"k": key, "t": content_type, "e": expires_at}, salt=FILE_TOKEN_SALT, compress=True
    )
    return reverse("media-file", kwargs={"token": token})


def file_claims(token: str) -> dict:
    """What a file token names, if it is ours and has not expired; else `BadSignature`."""
    claims = signing.loads(token, salt=FILE_TOKEN_SALT)
    if not isinstance(claims, dict) or claims.get("e", 0) < time.time():
        raise signing.BadSignature("expired")
    return claims


# --- either -----------------------------------------------------------------------------------


class Signer:
    """Signs for one storage, one window and the settings of the moment."""

    def __init__(self, storage, *, signed_at: int, ttl: int) -> None:
        self.signed_at = signed_at
        self.expires = 2 * ttl  # the rest of the window, then a full TTL after it
        self.target = s3_target(storage) if isinstance(storage, S3Storage) else None
        self.secret = settings.SECRET_KEY
        self.renderings: dict = {}  # media_app.rendering's, for this window

    def path_or_url(self, key: str, content_type: str) -> str:
        """An absolute S3 URL, or the path of our signed file view (to be made absolute)."""
        if self.target is not None:
            return s3_presigned(self.target, key, content_type, self.signed_at, self.expires)
        return file_path(key, content_type, self.signed_at + self.expires, self.secret)


_current: tuple[tuple, Signer] | None = None


def storage_now():
    """The storage behind the lazy `default_storage`, set up if this process has not used it
    yet (a fresh worker: reading `_wrapped` first found Django's `empty` placeholder)."""
    if default_storage._wrapped is empty:
        default_storage._setup()
    return default_storage._wrapped


def current_signer() -> Signer:
    """The signer for now: made again when the window turns or the storage or settings change
    (tests swap them), else reused, so a page of URLs costs a few dictionary look-ups."""
    global _current
    ttl = settings.MEDIA_URL_TTL_SECONDS
    storage = storage_now()
    identity = (
        storage,
        settings.AWS_S3_PUBLIC_ENDPOINT_URL,
        ttl,
        settings.SECRET_KEY,
        window_start(time.time(), ttl),
    )
    cached = _current
    if cached is None or any(
        a is not b and a != b for a, b in zip(cached[0], identity, strict=True)
    ):
        cached = _current = (identity, Signer(storage, signed_at=identity[-1], ttl=ttl))
    return cached[1]
