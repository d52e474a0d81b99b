"""Shapes of the confessions API (input parsing, and output documentation for OpenAPI)."""

from __future__ import annotations

from rest_framework import serializers

from authoring.people import PersonOutput
from authoring.text import BODY_MAX_CHARS
from core.parsing import AwareDateTimeField, StrictCharField
from media_app.api.views import MediaOutput
from moderation.models import ReasonCategory


class ConfessionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.ChoiceField(
        choices=["sender", "recipient", "viewer"], help_text="how you relate to this confession"
    )
    body = serializers.CharField()
    anonymous = serializers.BooleanField()
    sender = PersonOutput(
        allow_null=True, help_text="null for an anonymous sender until you two match"
    )
    recipient = PersonOutput(allow_null=True, help_text="null until a share link is claimed")
    matched = serializers.BooleanField()
    status = serializers.ChoiceField(
        choices=["pending", "approved", "rejected", "hidden", "scheduled"],
        help_text="scheduled: to its sender, while it waits for deliver_at",
    )
    created_at = serializers.DateTimeField()
    deliver_at = serializers.DateTimeField(
        allow_null=True, help_text="to its sender, while it waits: when it will be delivered"
    )
    read_at = serializers.DateTimeField(allow_null=True)
    unread = serializers.BooleanField(
        help_text="you received it and have not read it yet, or the other side replied since "
        "you last marked it read (POST .../read, or your own reply)"
    )
    reply_count = serializers.IntegerField(help_text="replies in the thread as you see it")
    last_activity_at = serializers.DateTimeField(
        help_text="when it went out, or its latest reply: sort threads by it"
    )
    media = MediaOutput(many=True)
    share_token = serializers.CharField(
        allow_null=True, help_text="to the sender, while nobody has claimed the share link"
    )


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


class ReplyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    author = PersonOutput(allow_null=True, help_text="null for an anonymous sender")
    mine = serializers.BooleanField()
    status = serializers.ChoiceField(
        choices=["pending", "approved"], help_text="pending: held for review, seen only by you"
    )
    # "from" is a Python keyword: declared below.


ReplyOutput._declared_fields["from"] = serializers.ChoiceField(choices=["sender", "recipient"])


class ReportInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=ReasonCategory.choices)
    text = StrictCharField(max_length=1000, required=False, default="", allow_blank=True)
    share_token = StrictCharField(
        max_length=64, required=False, help_text="for a viewer of the share link"
    )


class ReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField()
    created_at = serializers.DateTimeField()


class ShareSceneOutput(serializers.Serializer):
    share_token = serializers.CharField(help_text="open or claim it at /confessions/shared/{token}")


class CountsOutput(serializers.Serializer):
    inbox_unread = serializers.IntegerField(
        help_text="received confessions that are unread (new, or replied to since you read)"
    )
    sent_unread = serializers.IntegerField(help_text="sent confessions with unread replies")
    notifications_unread = serializers.IntegerField()


class MatchOutput(serializers.Serializer):
    with_ = PersonOutput(help_text="who you matched with")
    matched_at = serializers.DateTimeField()
    sent = serializers.ListField(
        child=serializers.IntegerField(), help_text="ids of your confessions to them"
    )
    received = serializers.ListField(
        child=serializers.IntegerField(), help_text="ids of their confessions to you"
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["with"] = fields.pop("with_")
        return fields
