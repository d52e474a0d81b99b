"""Cursor pagination for every list of the API (DESIGN.md §3).

A page is `{"results": [...], "next": "<url or null>"}`: feeds only move forward, newest first,
and a cursor stays stable while new rows arrive (no page drift, no duplicates).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from rest_framework import pagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from confessions_backend.errors import ApplicationError


class CursorPagination(pagination.CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100

    def get_paginated_response(self, data: list[Any]) -> Response:
        return Response({"results": data, "next": self.get_next_link()})

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
    clients: `created_at` and `id` of the last row shown, base64-encoded."""

    limit: int
    after_at: datetime | None = None
    after_id: int | None = None

    @classmethod
    def of(cls, request: HttpRequest, *, default: int = 20, maximum: int = 100) -> Keyset:
        """The `limit` and `cursor` query parameters, or a 400 that says what is wrong."""
        raw_limit = request.GET.get("limit")
        limit = default
        if raw_limit is not None:
            if not raw_limit.isascii() or not raw_limit.isdigit() or not 0 < int(raw_limit):
                raise ApplicationError(
                    "invalid_limit", f"limit must be a whole number from 1 to {maximum}."
                )
            limit = min(int(raw_limit), maximum)
        cursor = request.GET.get("cursor")
        if cursor is None:
            return cls(limit=limit)
        try:
            token = base64.urlsafe_b64decode(cursor.encode("ascii")).decode()
            at, _, row = token.partition("|")
            after_at, after_id = datetime.fromisoformat(at), int(row)
            # Only what `response` writes: an aware time and an id, exactly so.
            if after_at.tzinfo is None or after_id < 1 or token != _cursor_text(after_at, after_id):
                raise ValueError
        except (ValueError, UnicodeError, binascii.Error):
            raise ApplicationError("invalid_cursor", "This cursor is not valid.") from None
        return cls(limit=limit, after_at=after_at, after_id=after_id)

    def response(self, request: HttpRequest, rows: list[dict], data: list[Any]) -> Response:
        """The page: `rows` were fetched with `limit + 1` to tell whether more follow, and
        `data` is their rendering (as long as `rows`)."""
        next_link = None
        if len(rows) > self.limit:
            data = data[: self.limit]
            last = rows[self.limit - 1]
            token = _cursor_text(last["created_at"], last["id"])
            cursor = base64.urlsafe_b64encode(token.encode()).decode()
            next_link = replace_query_param(request.build_absolute_uri(), "cursor", cursor)
        return Response({"results": data, "next": next_link})


def _cursor_text(at: datetime, row_id: int) -> str:
    return f"{at.isoformat()}|{row_id}"
