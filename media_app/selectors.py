"""Reads of media_app that carry a rule."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import Http404

from accounts.models import User
from core.compiled import CompiledQuery
from media_app.models import Media
from media_app.rendering import MEDIA_FIELDS


def media_get_for_viewer(*, user: User, media_id: int) -> Media:
    """The media, if `user` owns it or is staff; anyone else gets 404 (ids leak nothing).
    Recipients never come here: the confession payload renders its media for them."""
    media = Media.objects.filter(pk=media_id).first()
    if media is None or not (media.owner_id == user.pk or user.is_staff):
        raise Http404
    return media


class Attachments:
    """The media a page of rows carries (confessions, posts), read in one precompiled query:
    `model` is the attachment table (a `media` foreign key, a `position`, and `owner`, the
    foreign key to what carries it). `attach(rows)` sets each row's `media` to its media rows
    (`media__` + `MEDIA_FIELDS`), in position order."""

    def __init__(self, model: type[models.Model], owner: str) -> None:
        self._owner = f"{owner}_id"
        self._query = CompiledQuery(
            lambda owners: (
                model._default_manager.filter(**{f"{self._owner}__in": owners})
                .order_by(self._owner, "position")
                .values(self._owner, *(f"media__{name}" for name in MEDIA_FIELDS))
            ),
            owners="list[int]",
        )

    def attach(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        by_owner: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in rows}
        if rows:
            for media in self._query.rows(owners=list(by_owner)):
                by_owner[media[self._owner]].append(media)
        for row in rows:
            row["media"] = by_owner[row["id"]]
        return rows
