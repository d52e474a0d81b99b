"""How an author is shown, where the feature's selectors decided they may be: username,
display name and a fresh avatar URL. The read models select `person_values(prefix)` with
their rows; a row built from the ORM comes from `person_row`."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from media_app.rendering import Urls

Row = dict[str, Any]

# A person's columns in a read model's row, after its prefix (`sender__`, `author__`, ...).
PERSON_FIELDS = ("username", "display_name", "avatar__storage_key", "avatar__thumbnail_key")


def person_values(prefix: str) -> tuple[str, ...]:
    """The `.values()` names of the person behind `prefix` (`"author__"`)."""
    return tuple(prefix + name for name in PERSON_FIELDS)


def person_row(user: Any, prefix: str) -> Row:
    """`person_values(prefix)` of a User (its avatar selected with it), as a read model gives
    them."""
    avatar = user.avatar
    return {
        prefix + "username": user.username,
        prefix + "display_name": user.display_name,
        prefix + "avatar__storage_key": avatar.storage_key if avatar else None,
        prefix + "avatar__thumbnail_key": avatar.thumbnail_key if avatar else None,
    }


def person_shown(row: Row, prefix: str, urls: Urls) -> dict[str, Any]:
    """Who someone is (the row's `<prefix>username`, ...), with a fresh avatar URL."""
    return {
        "username": row[prefix + "username"],
        "display_name": row[prefix + "display_name"],
        "avatar_url": urls.avatar(
            row[prefix + "avatar__storage_key"], row[prefix + "avatar__thumbnail_key"]
        ),
    }


def person_of(user: Any, urls: Urls) -> dict[str, Any]:
    """`person_shown` of a User (its avatar selected with it)."""
    return person_shown(person_row(user, ""), "", urls)


# `person_shown`, for the schema (no docstring: it would become the schema's description).
class PersonOutput(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    avatar_url = serializers.URLField(allow_null=True)
