"""How a user's picture is shown: a fresh signed URL, made by media_app through the function
settings.AVATAR_URL_RENDERER names (accounts may not import media_app, DESIGN.md §2)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

from accounts.models import User


def avatar_url(user: User, request: HttpRequest | None = None) -> str | None:
    if user.avatar_id is None:
        return None
    return import_string(settings.AVATAR_URL_RENDERER)(user.avatar, request=request)
