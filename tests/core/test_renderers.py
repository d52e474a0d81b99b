"""The orjson renderer writes what DRF's JSONRenderer writes, byte for byte."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from core.renderers import OrjsonRenderer

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


def test_the_separators_are_escaped_wherever_they_are_and_nothing_else_is():
    # The renderer looks for the separators' last bytes (0xA8, 0xA9) before the separators:
    # texts with those bytes in other characters (¨ ©, 計 is E8 A8 88) or with none at all.
    for body in ["plain ASCII", "¨ © 計", "計\u2028", "\u2029 only", "\u2028", "“—…”", ""]:
        payload = {"body": body, "list": [body, {"name": body}]}
        assert OrjsonRenderer().render(payload) == JSONRenderer().render(payload), body


def test_indent_still_honoured():
    rendered = OrjsonRenderer().render({"a": [1]}, "application/json; indent=2", {})
    assert rendered == JSONRenderer().render({"a": [1]}, "application/json; indent=2", {})
    assert b"\n" in rendered


def test_none_is_empty():
    assert OrjsonRenderer().render(None) == b""


def chosen(negotiation, request, renderers) -> tuple:
    from rest_framework.exceptions import NotAcceptable

    try:
        renderer, media_type = negotiation.select_renderer(request, renderers)
    except NotAcceptable:
        return ("406",)
    return type(renderer), media_type


def test_the_negotiation_chooses_what_drf_chooses():
    from rest_framework.negotiation import DefaultContentNegotiation
    from rest_framework.renderers import BrowsableAPIRenderer
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from core.renderers import ContentNegotiation

    renderers = [OrjsonRenderer(), BrowsableAPIRenderer()]
    headers = [None, "*/*", "application/json", "text/html", "application/json; indent=2",
               "text/html;q=0.9, */*;q=0.8", "application/*"]  # fmt: skip
    for accept in headers:
        for query in ("", "?format=api", "?format=json"):
            extra = {"HTTP_ACCEPT": accept} if accept is not None else {}
            request = Request(APIRequestFactory().get(f"/x{query}", **extra))
            assert chosen(ContentNegotiation(), request, renderers) == chosen(
                DefaultContentNegotiation(), request, renderers
            ), (accept, query)


def test_what_the_api_cannot_render_is_still_406(client):
    response = client.get("/api/v1/confessions/inbox", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
