"""Shapes of the confessions API (input parsing, and output documentation for OpenAPI)."""

from __future__ import annotations

from rest_framework import serializers

from authoring.text import BODY_MAX_CHARS
from core.parsing import AwareDateTimeField, StrictCharField
from core.payloads import serializer_of
from messages_app.rendering import (
    ConfessionPayload,
    CrushListPayload,
    InboxLinkCardPayload,
    InboxLinkPayload,
    MatchPayload,
    ReplyPayload,
    ShareScenePayload,
)
from messages_app.selectors import CountsPayload
from moderation.models import ReasonCategory
from moderation.rendering import ReportPayload

ConfessionOutput = serializer_of(ConfessionPayload)


class ConfessionSendInput(serializers.Serializer):
    recipient = StrictCharField(
        max_length=150, required=False, help_text="a username; leave out to get a share link"
    )
    body = StrictCharField(
        max_length=BODY_MAX_CHARS,
        trim_whitespace=False,
        help_text="what is left after trimming must not be empty",
    )
    anonymous = serializers.BooleanField(default=False)
    media = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=20
    )
    deliver_at = AwareDateTimeField(
        required=False,
        help_text="deliver it then, not now: ISO 8601 with its offset, 1 minute to 366 days ahead",
    )


class ConfessionRescheduleInput(serializers.Serializer):
    deliver_at = AwareDateTimeField(help_text="the new time: 1 minute to 366 days ahead")


class ReplyInput(serializers.Serializer):
    body = StrictCharField(
        max_length=BODY_MAX_CHARS,
        trim_whitespace=False,
        help_text="what is left after trimming must not be empty",
    )


ReplyOutput = serializer_of(ReplyPayload)


class ReportInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=ReasonCategory.choices)
    text = StrictCharField(max_length=1000, required=False, default="", allow_blank=True)
    share_token = StrictCharField(
        max_length=64, required=False, help_text="for a viewer of the share link"
    )


ReportOutput = serializer_of(ReportPayload)


ShareSceneOutput = serializer_of(ShareScenePayload)


CountsOutput = serializer_of(CountsPayload)


MatchOutput = serializer_of(MatchPayload)


class HintInput(serializers.Serializer):
    text = StrictCharField(
        max_length=100, help_text="a hint of who you are, at most 100 characters"
    )


class HintOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class HintListOutput(serializers.Serializer):
    results = HintOutput(many=True)


class CrushInput(serializers.Serializer):
    username = StrictCharField(max_length=150)


CrushListOutput = serializer_of(CrushListPayload)


InboxLinkOutput = serializer_of(InboxLinkPayload)
InboxLinkCardOutput = serializer_of(InboxLinkCardPayload)


class InboxLinkInput(serializers.Serializer):
    enabled = serializers.BooleanField(required=False)
    paused = serializers.BooleanField(required=False)
    prompt = StrictCharField(max_length=100, required=False, allow_blank=True)
    filter_words = serializers.ListField(
        child=StrictCharField(max_length=40), max_length=50, required=False
    )


class LinkMessageInput(serializers.Serializer):
    body = StrictCharField(max_length=1000, trim_whitespace=False)


class LinkMessageOutput(serializers.Serializer):
    sent = serializers.BooleanField(
        help_text="always true: a message the owner's filter drops is answered the same"
    )
