"""The orjson renderer writes what DRF's JSONRenderer writes, byte for byte."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from confessions_backend.renderers import OrjsonRenderer

PAYLOAD = {
    "results": [
        {
            "id": 7,
            "body": '我喜欢你 ❤ "quoted" \\ back\nslash \u2028 and \u2029 separators',
            "created_at": datetime(2026, 2, 14, 8, 0, 0, 123456, tzinfo=UTC),
            "read_at": datetime(2026, 2, 14, 8, 0, tzinfo=UTC),
            "beijing": datetime(2026, 2, 14, 8, 0, 1, tzinfo=timezone(timedelta(hours=8))),
            "day": date(2026, 2, 14),
            "sender": None,
            "matched": False,
            "size": 3_600_000,
            "duration": 1.5,
            "media": [],
        }
    ],
    "next": "http://testserver/api/v1/confessions/inbox?cursor=abc%3D",
    "lazy": gettext_lazy("Not found."),
    "decimal": Decimal("1.10"),
    "uuid": uuid.UUID(int=1),
}


def test_same_bytes_as_drf():
    assert OrjsonRenderer().render(PAYLOAD) == JSONRenderer().render(PAYLOAD)


def test_indent_still_honoured():
    rendered = OrjsonRenderer().render({"a": [1]}, "application/json; indent=2", {})
    assert rendered == JSONRenderer().render({"a": [1]}, "application/json; indent=2", {})
    assert b"\n" in rendered


def test_none_is_empty():
    assert OrjsonRenderer().render(None) == b""
