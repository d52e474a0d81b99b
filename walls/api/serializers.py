"""Shapes of the walls API (input parsing, and output documentation for OpenAPI)."""

from __future__ import annotations

from rest_framework import serializers

from authoring.people import PersonOutput
from authoring.text import BODY_MAX_CHARS
from core.parsing import StrictCharField
from media_app.api.views import MediaOutput
from moderation.models import ReasonCategory
from walls.services import COMMENT_MAX_CHARS, TO_MAX_CHARS


class WallOutput(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()
    invite_only = serializers.BooleanField()
    moderation = serializers.ChoiceField(
        choices=["pre", "post"],
        help_text="pre: nothing is public until a moderator approves it; post: public at once "
        "when the checker chain passes it",
    )
    joined = serializers.BooleanField()


class WallListOutput(serializers.Serializer):
    results = WallOutput(many=True)


class JoinInput(serializers.Serializer):
    code = StrictCharField(
        max_length=64, required=False, default="", help_text="an invite-only wall's code"
    )


class PostOutput(serializers.Serializer):
    id = serializers.IntegerField()
    wall = serializers.SlugField()
    body = serializers.CharField()
    to = serializers.CharField(help_text="whom it is for, described (may be empty)")
    anonymous = serializers.BooleanField()
    author = PersonOutput(allow_null=True, help_text="null when anonymous (except to its author)")
    mine = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["pending", "approved", "rejected", "hidden"])
    pinned = serializers.BooleanField(help_text="moderators pinned it to the top of the feed")
    created_at = serializers.DateTimeField()
    media = MediaOutput(many=True)
    like_count = serializers.IntegerField()
    comment_count = serializers.IntegerField()
    liked = serializers.BooleanField(help_text="whether you like it")


class PostInput(serializers.Serializer):
    body = StrictCharField(max_length=BODY_MAX_CHARS, trim_whitespace=False)
    to = StrictCharField(max_length=TO_MAX_CHARS, required=False, default="", allow_blank=True)
    anonymous = serializers.BooleanField(default=True)
    media = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=9
    )


class FeedQuery(serializers.Serializer):
    sort = serializers.ChoiceField(choices=["new", "hot"], required=False, default="new")


class CommentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    post_id = serializers.IntegerField()
    parent_id = serializers.IntegerField(allow_null=True, help_text="the comment it answers")
    body = serializers.CharField()
    anonymous = serializers.BooleanField()
    author = PersonOutput(allow_null=True)
    post_author = serializers.BooleanField(
        help_text="written by the post's author (for an anonymous post: without saying who)"
    )
    mine = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["pending", "approved", "rejected", "hidden"])
    created_at = serializers.DateTimeField()


class CommentInput(serializers.Serializer):
    body = StrictCharField(max_length=COMMENT_MAX_CHARS, trim_whitespace=False)
    anonymous = serializers.BooleanField(default=False)
    parent = serializers.IntegerField(  # type: ignore[assignment]  # a field, not the parent
        min_value=1, required=False, help_text="a top-level comment to reply to"
    )


class WallReportInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=ReasonCategory.choices)
    text = StrictCharField(max_length=1000, required=False, default="", allow_blank=True)


class WallReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField()
