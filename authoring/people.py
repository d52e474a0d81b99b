"""How an author is shown, where the feature's selectors decided they may be: username,
display name and a fresh avatar URL. The read models select `person_values(prefix)` with
their rows; a row built from the ORM comes from `person_row`."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

from core.payloads import URL, serializer_of
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


class PersonPayload(TypedDict):
    """Who someone is, where the rules let the viewer see who."""

    username: str
    display_name: str
    avatar_url: Annotated[str | None, URL]


def person_shown(row: Row, prefix: str, urls: Urls) -> PersonPayload:
    """Who someone is (the row's `<prefix>username`, ...), with a fresh avatar URL."""
    return {
        "username": row[prefix + "username"],
        "display_name": row[prefix + "display_name"],
        "avatar_url": urls.avatar(
            row[prefix + "avatar__storage_key"], row[prefix + "avatar__thumbnail_key"]
        ),
    }


def person_of(user: Any, urls: Urls) -> PersonPayload:
    """`person_shown` of a User (its avatar selected with it)."""
    return person_shown(person_row(user, ""), "", urls)


PersonOutput = serializer_of(PersonPayload)
