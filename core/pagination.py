"""Cursor pagination for every list of the API (DESIGN.md §3).

A page is `{"results": [...], "next": "<url or null>"}`: feeds only move forward, newest first,
and a cursor stays stable while new rows arrive (no page drift, no duplicates).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import IntegerField
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core.errors import ApplicationError


class CursorPagination(pagination.CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request) -> int:
        # The same rule and answer as the keyset lists: a bad limit is a 400, not ignored.
        return limit_of(request.query_params, default=self.page_size, maximum=self.max_page_size)

    def decode_cursor(self, request):
        """DRF's cursor, or a 400 `invalid_cursor` (DRF answers 404 for a malformed one, and
        a position its ordering field cannot hold reached the database: a 500)."""
        raw = one_query_value(request.query_params, self.cursor_query_param, _invalid_cursor)
        field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
        try:
            cursor = super().decode_cursor(request)
            # DRF decodes leniently (junk is dropped, and nothing left means the first page):
            # only a cursor exactly as `encode_cursor` writes it is one.
            if raw is not None and (cursor is None or raw != self._written(cursor)):
                raise ValueError
            position = None if cursor is None else cursor.position
            if position is not None and ("\x00" in position or field.to_python(position) is None):
                raise ValueError
            if position is not None and isinstance(field, IntegerField) and int(position) < 1:
                raise ValueError  # an id we wrote is positive
        except (
            NotFound,
            DjangoValidationError,
            ValueError,
            TypeError,
            UnicodeError,
            binascii.Error,
        ):
            raise _invalid_cursor() from None
        return cursor

    def _written(self, cursor: pagination.Cursor) -> str:
        """The cursor as DRF's own `encode_cursor` puts it in a page's `next`."""
        query = urlsplit(self.encode_cursor(cursor)).query
        return parse_qs(query, keep_blank_values=True).get(self.cursor_query_param, [""])[0]

    def get_paginated_response(self, data: list[Any]) -> Response:
        return Response({"results": data, "next": self.get_next_link()})

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Where the page starts: the cursor in the previous page's `next`.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": "How many items a page holds.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
        ]

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results", "next"],
            "properties": {
                "results": schema,
                "next": {"type": "string", "nullable": True, "format": "uri"},
            },
        }


# --- keyset pages for the hot lists ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Keyset:
    """One page request of a list ordered by (created_at, id), newest first (or oldest first
    for `ascending` lists): how many rows, and after which row. Its cursor is opaque to
    clients: `created_at` and `id` of the last row shown, encrypted (AES-GCM under a key
    derived from SECRET_KEY): a row's exact write time is not shown to everyone who can see
    the row (core.times), and a cursor we did not write does not open."""

    limit: int
    after_at: datetime | None = None
    after_id: int | None = None

    @classmethod
    def of(cls, request: HttpRequest, *, default: int = 20, maximum: int = 100) -> Keyset:
        """The `limit` and `cursor` query parameters, or a 400 that says what is wrong."""
        limit = limit_of(request.GET, default=default, maximum=maximum)
        cursor = one_query_value(request.GET, "cursor", _invalid_cursor)
        if cursor is None:
            return cls(limit=limit)
        try:
            token = _open_cursor(cursor)
            at, _, row = token.partition("|")
            after_at, after_id = datetime.fromisoformat(at), int(row)
            # Only what `response` writes: an aware time and an id, exactly so.
            if after_at.tzinfo is None or after_id < 1 or token != _cursor_text(after_at, after_id):
                raise ValueError
        except (ValueError, UnicodeError, binascii.Error, InvalidTag):
            raise _invalid_cursor() from None
        return cls(limit=limit, after_at=after_at, after_id=after_id)

    def response(self, request: HttpRequest, rows: list[dict], data: list[Any]) -> Response:
        """The page: `rows` were fetched with `limit + 1` to tell whether more follow, and
        `data` is their rendering (as long as `rows`)."""
        next_link = None
        if len(rows) > self.limit:
            data = data[: self.limit]
            last = rows[self.limit - 1]
            cursor = _seal_cursor(_cursor_text(last["created_at"], last["id"]))
            next_link = replace_query_param(request.build_absolute_uri(), "cursor", cursor)
        return Response({"results": data, "next": next_link})


def limit_of(query: QueryDict, *, default: int, maximum: int) -> int:
    """The `limit` query parameter: absent, the default; else a whole number from 1 to
    `maximum`, given once; anything else a 400 that says so."""
    raw = one_query_value(query, "limit", lambda: _invalid_limit(maximum))
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= maximum:
        raise _invalid_limit(maximum)
    return int(raw)


def one_query_value(
    query: QueryDict, name: str, invalid: Callable[[], ApplicationError]
) -> str | None:
    """The one value of query parameter `name`, None if absent; given twice, `invalid()`."""
    values = query.getlist(name)
    if len(values) > 1:
        raise invalid()
    return values[0] if values else None


def _invalid_limit(maximum: int) -> ApplicationError:
    return ApplicationError(
        "invalid_limit",
        gettext("limit must be a whole number from 1 to %(max)d.") % {"max": maximum},
    )


def _invalid_cursor() -> ApplicationError:
    return ApplicationError("invalid_cursor", gettext("This cursor is not valid."))


def _cursor_text(at: datetime, row_id: int) -> str:
    return f"{at.isoformat()}|{row_id}"


@lru_cache(maxsize=4)
def _cursor_cipher(secret_key: str) -> AESGCM:
    return AESGCM(hashlib.sha256(b"confessions cursors:" + secret_key.encode()).digest())


def _seal_cursor(text: str) -> str:
    nonce = os.urandom(12)
    sealed = nonce + _cursor_cipher(settings.SECRET_KEY).encrypt(nonce, text.encode(), None)
    return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")


def _open_cursor(cursor: str) -> str:
    raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4))
    if len(raw) < 12 + 16:
        raise ValueError("too short")
    return _cursor_cipher(settings.SECRET_KEY).decrypt(raw[:12], raw[12:], None).decode()
