"""A user's picture is one of their uploaded images, and images live in media_app, which
accounts may not import. So accounts owns this registry (core.registry) and media_app
registers the one handler in its `AppConfig.ready()`: how an image becomes an avatar (checked
and marked in use, by media_app's own rule), what happens to the one it replaces, and how an
avatar is shown."""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from accounts.models import User
from core.registry import Registry


class AvatarHandler(Protocol):
    def take(self, *, user: User, media_id: int) -> Any:
        """The media row `media_id`, if it may become `user`'s avatar, now marked in use;
        else `ValidationError` on the `avatar` field."""

    def release(self, *, media_id: int) -> None:
        """`media_id` stopped being an avatar (replaced or cleared)."""

    def url(self, media: Any, *, request: HttpRequest | None) -> str:
        """A fresh signed URL of the avatar `media`."""

    def under_check(self, media: Any) -> bool:
        """Whether `media` still waits for a content check: then it is held, not shown."""


avatar_handler: Registry[AvatarHandler] = Registry("accounts.avatar_handler", single=True)


def handler() -> AvatarHandler:
    registered = avatar_handler.one()
    if registered is None:
        raise ImproperlyConfigured("No avatar handler registered (is media_app installed?)")
    return registered


def avatar_url(user: User, request: HttpRequest | None = None) -> str | None:
    """The picture of `user` as others see it now: a fresh signed URL, or None."""
    if user.avatar_id is None:
        return None
    return handler().url(user.avatar, request=request)
