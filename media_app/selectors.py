"""Reads of media_app that carry a rule."""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.db.models import JSONField, OuterRef, Subquery
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


class _Parsed(JSONField):
    """A JSON column as the driver reads it: on PostgreSQL a `json` value arrives parsed
    (core.postgresql.base, by orjson), where Django's JSONField would parse `jsonb` text
    again; SQLite's text is parsed here."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


class JsonRows(Subquery):
    """A `values("position", ...)` queryset (fields only) as one JSON array of objects, one
    per row keyed by the `values()` names, in position order: a column of the statement
    around it (`[]` when it has no rows)."""

    output_field = _Parsed()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Each row as a `json` object keyed by its column aliases (the `values()` names; a
        # row to JSON costs PostgreSQL a third less than json_build_object with the names as
        # parameters), read by the driver itself (_Parsed). It carries `position` too.
        template = (
            '(SELECT COALESCE(json_agg("_rows" ORDER BY "_rows"."position"), '
            "'[]'::json) FROM (%(subquery)s) \"_rows\")"
        )
        return self.as_sql(compiler, connection, template=template, **extra)  # type: ignore[call-arg]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # The subquery's ORDER BY orders the aggregate's input (SQLite before 3.44 has no
        # ORDER BY inside json_group_array).
        # The names are the values() names of our own code, never input.
        names = self.query.values_select
        pairs = ", ".join(f'\'{name}\', "_rows"."{name}"' for name in names)
        template = (
            f"(SELECT COALESCE(json_group_array(json_object({pairs})), '[]') "  # noqa: S608
            'FROM (%(subquery)s) "_rows")'
        )
        return self.as_sql(compiler, connection, template=template, **extra)  # type: ignore[call-arg]


class Attachments:
    """The media a page of rows carries (confessions, posts): `model` is the attachment table
    (a `media` foreign key, a `position`, and `owner`, the foreign key to what carries it).

    A hot page reads them in its own statement: `column()` is its `media` column, the rows'
    media as JSON. Elsewhere, `attach(rows)` reads them in one more precompiled query. Either
    way a row's `media` is its media rows (`media__` + `MEDIA_FIELDS`), in position order."""

    def __init__(self, model: type[models.Model], owner: str) -> None:
        self._model = model
        self._owner = f"{owner}_id"
        self._query = CompiledQuery(
            lambda owners: (
                model._default_manager.filter(**{f"{self._owner}__in": owners})
                .order_by(self._owner, "position")
                .values(self._owner, *(f"media__{name}" for name in MEDIA_FIELDS))
            ),
            owners="list[int]",
        )

    def column(self, owner: str = "id") -> JsonRows:
        """The media of the row whose `owner` (its id) carries them, as a JSON column."""
        return JsonRows(
            self._model._default_manager.filter(**{self._owner: OuterRef(owner)})
            .order_by("position")
            .values("position", *(f"media__{name}" for name in MEDIA_FIELDS))
        )

    def attach(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        by_owner: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in rows}
        if rows:
            for media in self._query.rows(owners=list(by_owner)):
                by_owner[media[self._owner]].append(media)
        for row in rows:
            row["media"] = by_owner[row["id"]]
        return rows
