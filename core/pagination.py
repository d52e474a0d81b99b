"""Keyset pagination for every list of the API (DESIGN.md §3): one `Keyset`, one cursor.

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

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext
from rest_framework import pagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core.errors import ApplicationError

# A page's position, sealed into its cursor: by time (`created_at` and `id` of the last row, for
# lists ordered by when rows were written), by id (lists ordered by a sequential id: the
# notifications), or an offset (the `hot` feed: a ranking, not an order of rows).
BY_TIME, BY_ID, BY_OFFSET = "time", "id", "offset"
DEFAULT_LIMIT, MAX_LIMIT = 20, 100


@dataclass(frozen=True, slots=True)
class Keyset:
    """One page request of a list: how many rows, and after which one. Every list of the API
    pages with it, the hot ones (whose compiled statements take `after_at` and `after_id`)
    and the others (`rows_of` a QuerySet, through `KeysetPagination`). Its cursor is opaque to
    clients: the position of the last row shown, encrypted (AES-GCM under a key derived from
    SECRET_KEY): a row's exact write time is not shown to everyone who can see the row
    (core.times), and a cursor we did not write does not open."""

    limit: int
    after_at: datetime | None = None
    after_id: int | None = None
    offset: int = 0
    by: str = BY_TIME

    @classmethod
    def of(
        cls,
        request: HttpRequest,
        *,
        by: str = BY_TIME,
        default: int = DEFAULT_LIMIT,
        maximum: int = MAX_LIMIT,
        max_offset: int | None = None,
    ) -> Keyset:
        """The `limit` and `cursor` query parameters, or a 400 that says what is wrong (a
        cursor of another list's kind is not valid here)."""
        limit = limit_of(request.GET, default=default, maximum=maximum)
        cursor = one_query_value(request.GET, "cursor", invalid_cursor)
        if cursor is None:
            return cls(limit=limit, by=by)
        try:
            token = _open_cursor(cursor)
            keyset = cls._parsed(token, limit, by)
            # Only what `response` writes, exactly so.
            if token != keyset._cursor_text() or (
                max_offset is not None and keyset.offset > max_offset
            ):
                raise ValueError
        except (ValueError, UnicodeError, binascii.Error, InvalidTag):
            raise invalid_cursor() from None
        return keyset

    @classmethod
    def _parsed(cls, token: str, limit: int, by: str) -> Keyset:
        if by == BY_OFFSET:
            offset = int(token.removeprefix("+"))
            if not token.startswith("+") or offset < 1:
                raise ValueError
            return cls(limit=limit, offset=offset, by=by)
        if by == BY_ID:
            after_id = int(token.removeprefix("#"))
            if not token.startswith("#") or after_id < 1:
                raise ValueError
            return cls(limit=limit, after_id=after_id, by=by)
        at, _, row = token.partition("|")
        after_at, after_id = datetime.fromisoformat(at), int(row)
        if after_at.tzinfo is None or after_id < 1:
            raise ValueError
        return cls(limit=limit, after_at=after_at, after_id=after_id, by=by)

    def _cursor_text(self) -> str:
        if self.by == BY_OFFSET:
            return f"+{self.offset}"
        if self.by == BY_ID:
            return f"#{self.after_id}"
        if self.after_at is None:
            raise ValueError("a time cursor needs its row's time")
        return f"{self.after_at.isoformat()}|{self.after_id}"

    def statement(self) -> dict[str, Any]:
        """This page's parameters of a compiled keyset statement (`after_at`, `after_id`,
        `limit` and whether a cursor narrows it)."""
        return {
            "after_at": self.after_at,
            "after_id": self.after_id,
            "limit": self.limit,
            "cursor": self.after_id is not None,
        }

    @property
    def first(self) -> bool:
        return self.after_id is None and self.offset == 0

    def rows_of(self, queryset: QuerySet[Any, Any], *, ascending: bool = False) -> list[Any]:
        """This page of `queryset` in its list's order, `limit + 1` rows when more follow."""
        if self.by == BY_ID:
            order: tuple[str, ...] = ("id",) if ascending else ("-id",)
            if self.after_id is not None:
                beyond = "id__gt" if ascending else "id__lt"
                queryset = queryset.filter(**{beyond: self.after_id})
        else:
            order = ("created_at", "id") if ascending else ("-created_at", "-id")
            if self.after_id is not None:
                queryset = queryset.filter(after(self.after_at, self.after_id, ascending=ascending))
        return list(queryset.order_by(*order)[: self.limit + 1])

    def response(self, request: HttpRequest, rows: list[Any], data: list[Any]) -> Response:
        """The page: `rows` were fetched with `limit + 1` to tell whether more follow (as
        dicts or model objects), and `data` is their rendering (as long as `rows`)."""
        next_link = None
        if len(rows) > self.limit:
            data = data[: self.limit]
            last = rows[self.limit - 1]
            position = last if isinstance(last, dict) else vars(last)
            following = Keyset(
                limit=self.limit,
                after_at=position["created_at"] if self.by == BY_TIME else None,
                after_id=position["id"],
                by=self.by,
            )
            next_link = following.link(request)
        return Response({"results": data, "next": next_link})

    def offset_response(self, request: HttpRequest, data: list[Any], *, more: bool) -> Response:
        """A page of a list paged by position (`by=BY_OFFSET`): the next starts `limit` on."""
        following = Keyset(limit=self.limit, offset=self.offset + self.limit, by=self.by)
        return Response({"results": data, "next": following.link(request) if more else None})

    def cursor(self) -> str:
        """The sealed cursor of the page this keyset asks for."""
        return _seal_cursor(self._cursor_text())

    def link(self, request: HttpRequest) -> str:
        """The URL of the page this keyset asks for."""
        return str(replace_query_param(request.build_absolute_uri(), "cursor", self.cursor()))


def after(at: Any, row_id: Any, *, ascending: bool, prefix: str = "") -> Q:
    """The rows after the one written at `at` with id `row_id`, in (created_at, id) order
    (values, or a compiled statement's parameters); `prefix` reaches them through a relation
    (`"post__"`)."""
    beyond = "gt" if ascending else "lt"
    return Q(**{f"{prefix}created_at__{beyond}": at}) | Q(
        **{f"{prefix}created_at": at, f"{prefix}id__{beyond}": row_id}
    )


class KeysetPagination(pagination.BasePagination):
    """`Keyset` as DRF's pagination class: lists of a QuerySet page through it
    (`self.paginate_queryset`), and every list's OpenAPI parameters and page shape come
    from it (a view paging compiled rows names it as `pagination_class` too)."""

    by = BY_TIME
    ascending = False

    def __init__(self, *, by: str | None = None, ascending: bool | None = None) -> None:
        if by is not None:
            self.by = by
        if ascending is not None:
            self.ascending = ascending

    def paginate_queryset(
        self, queryset: QuerySet[Any, Any], request: Request, view: Any = None
    ) -> list[Any]:
        self._request = request
        self._keyset = Keyset.of(request, by=self.by)
        self._rows = self._keyset.rows_of(queryset, ascending=self.ascending)
        return self._rows[: self._keyset.limit]

    def get_paginated_response(self, data: Any) -> Response:
        return self._keyset.response(self._request, self._rows, list(data))

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "Where the page starts: the cursor in the previous page's `next`.",
                "schema": {"type": "string"},
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": "How many items a page holds.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_LIMIT,
                    "default": DEFAULT_LIMIT,
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


class OldestFirst(KeysetPagination):
    ascending = True


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


def invalid_cursor() -> ApplicationError:
    return ApplicationError("invalid_cursor", gettext("This cursor is not valid."))


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
