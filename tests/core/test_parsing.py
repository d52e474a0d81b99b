"""`parse` validates each request's data with a serializer its thread keeps per class: each
validation gives its own result, as a new serializer would."""

from __future__ import annotations

import threading

import pytest
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core import parsing


class NoteInput(serializers.Serializer):
    title = parsing.StrictCharField(max_length=10)
    tags = serializers.ListField(child=serializers.IntegerField(), default=list)


def request_of(data: dict) -> Request:
    raw = APIRequestFactory().post("/", data, format="json")
    return Request(raw, parsers=[parsing.JSONParser()])


def test_each_validation_gives_its_own_result():
    first = parsing.parse(NoteInput, request_of({"title": "one", "tags": [1]}))
    with pytest.raises(ValidationError) as refused:
        parsing.parse(NoteInput, request_of({"title": "far too long a title"}))
    assert set(refused.value.detail) == {"title"}
    second = parsing.parse(NoteInput, request_of({"title": "two"}))
    assert first == {"title": "one", "tags": [1]}
    assert second == {"title": "two", "tags": []}
    kept = parsing._kept.__dict__[NoteInput, False]
    assert not hasattr(kept, "initial_data")  # nothing of a request outlives it


def test_a_partial_parse_does_not_make_the_full_one_partial():
    assert parsing.parse(NoteInput, request_of({"tags": [2]}), partial=True) == {"tags": [2]}
    with pytest.raises(ValidationError) as refused:
        parsing.parse(NoteInput, request_of({"tags": [2]}))
    assert set(refused.value.detail) == {"title"}


def test_each_thread_validates_with_its_own_serializer():
    parsing.parse(NoteInput, request_of({"title": "here"}))
    kept: list = []

    def elsewhere() -> None:
        kept.append(parsing.parse(NoteInput, request_of({"title": "there"})))
        kept.append(parsing._kept.__dict__[NoteInput, False])

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert kept[0] == {"title": "there", "tags": []}
    assert kept[1] is not parsing._kept.__dict__[NoteInput, False]
