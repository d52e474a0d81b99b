"""The one way every HTTP door reads its input: a serializer validates the body, and a bad
one raises DRF's ValidationError, which the error envelope renders as 400
`validation_error` with the fields. A body that is not JSON, or JSON nested deeper than any
input of ours, is a 400 `parse_error` (`JSONParser`, the API's only parser of JSON)."""

from __future__ import annotations

import io
import threading
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError
from rest_framework.request import Request

# No input of ours nests more than 3 levels; the bound keeps Python's recursion (json's
# decoder, then whatever walks the data) far from its limit.
MAX_JSON_DEPTH = 32


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing nesting deeper than MAX_JSON_DEPTH with a 400: about 950
    levels of `[` made the decoder raise RecursionError, a 500."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        raw = stream.read()
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        except ParseError:
            # DRF's message is the decoder's, in English whatever the request's language.
            raise ParseError(gettext("The body is not valid JSON.")) from None
        # Counting brackets is cheap; only a body with enough of them gets measured.
        if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and _depth(data) > MAX_JSON_DEPTH:
            raise _too_deep()
        return data


def _too_deep() -> ParseError:
    return ParseError(
        gettext("The body is nested deeper than %(levels)d levels.") % {"levels": MAX_JSON_DEPTH}
    )


def _depth(value: Any) -> int:
    """How deep arrays and objects nest in `value`, counted up to just past the bound."""
    deepest, stack = 0, [(value, 1)]
    while stack and deepest <= MAX_JSON_DEPTH:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def parse(
    serializer_class: type[serializers.Serializer],
    request: Request,
    *,
    partial: bool = False,
    query: bool = False,
) -> dict[str, Any]:
    """The validated input of `request`: its body, or with `query=True` its query string.

    Each thread keeps one serializer per class (and `partial`) and validates each request's
    data with it: a new serializer deep-copies its declared fields, which costs more than
    validating a small body (about 4 % of a send's CPU). Our input serializers keep nothing
    of one validation but its result, which is reset before the next."""
    data = request.query_params if query else request.data
    kept = _kept.__dict__
    serializer = kept.get((serializer_class, partial))
    if serializer is None:
        serializer = kept[serializer_class, partial] = serializer_class(partial=partial)
    for result in ("_validated_data", "_errors", "_data"):
        serializer.__dict__.pop(result, None)
    serializer.initial_data = data
    try:
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
    finally:
        del serializer.initial_data  # not kept past the request


_kept = threading.local()


class StrictCharField(serializers.CharField):
    """A text input that must be a JSON string: DRF's CharField also takes a number and keeps
    its digits (a `bio` of `1e300` was stored as "1e+300")."""

    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time that must carry its UTC offset: DRF's field would read one without
    as the server's time zone, which is not what a phone in another zone meant."""

    default_error_messages = {"naive": "Give the time with its UTC offset, e.g. +08:00 or Z."}

    def to_internal_value(self, value: Any):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:  # well formed, but no such time: DRF's own message below
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)
