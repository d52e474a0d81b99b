"""One declaration per payload (core.payloads): the serializer the schema documents is made
from the TypedDict the renderer returns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, TypedDict

import pytest
from rest_framework import serializers

from core.payloads import SLUG, URL, Doc, serializer_of


class InnerPayload(TypedDict):
    name: str


class SamplePayload(TypedDict):
    id: int
    kind: Annotated[Literal["a", "b"], Doc("which")]
    link: Annotated[str | None, URL]
    slug: Annotated[str, SLUG]
    at: datetime
    share: float
    flag: bool
    inner: InnerPayload | None
    inners: list[InnerPayload]
    ids: list[int]


def test_each_field_becomes_the_serializer_field_of_its_type():
    made = serializer_of(SamplePayload)
    assert made.__name__ == "SampleOutput"
    fields = made().fields
    assert list(fields) == list(SamplePayload.__annotations__)
    assert isinstance(fields["id"], serializers.IntegerField)
    assert isinstance(fields["kind"], serializers.ChoiceField)
    assert list(fields["kind"].choices) == ["a", "b"]
    assert fields["kind"].help_text == "which"
    assert isinstance(fields["link"], serializers.URLField)
    assert fields["link"].allow_null
    assert isinstance(fields["slug"], serializers.SlugField)
    assert isinstance(fields["at"], serializers.DateTimeField)
    assert isinstance(fields["share"], serializers.FloatField)
    assert isinstance(fields["flag"], serializers.BooleanField)
    assert fields["inner"].__class__ is serializer_of(InnerPayload)
    assert fields["inner"].allow_null
    assert fields["inners"].child.__class__ is serializer_of(InnerPayload)
    assert isinstance(fields["ids"].child, serializers.IntegerField)
    assert serializer_of(SamplePayload) is made  # one class per payload


def test_a_field_of_no_known_type_is_refused():
    class Odd(TypedDict):
        when: complex

    with pytest.raises(TypeError, match="no schema"):
        serializer_of(Odd)


def test_the_api_outputs_are_made_from_their_payloads():
    from messages_app.api.serializers import ConfessionOutput, ReplyOutput
    from messages_app.rendering import ConfessionPayload, ReplyPayload
    from walls.api.serializers import CommentOutput, PostOutput, WallOutput
    from walls.rendering import CommentPayload, PostPayload, WallPayload

    for output, payload in (
        (ConfessionOutput, ConfessionPayload),
        (ReplyOutput, ReplyPayload),
        (PostOutput, PostPayload),
        (CommentOutput, CommentPayload),
        (WallOutput, WallPayload),
    ):
        assert output is serializer_of(payload)
