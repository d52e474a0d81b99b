"""Shapes of the walls API (input parsing, and output documentation for OpenAPI)."""

from __future__ import annotations

from rest_framework import serializers

from authoring.text import BODY_MAX_CHARS
from core.parsing import StrictCharField
from core.payloads import serializer_of
from moderation.models import ReasonCategory
from moderation.rendering import ReportPayload
from walls.mutes import MUTED_WORD_MAX_CHARS, MUTED_WORDS_MAX
from walls.rendering import CommentPayload, PostPayload, WallListPayload, WallPayload
from walls.selectors import SEARCH_MAX_CHARS
from walls.services import COMMENT_MAX_CHARS, TO_MAX_CHARS

WallOutput = serializer_of(WallPayload)


WallListOutput = serializer_of(WallListPayload)


class JoinInput(serializers.Serializer):
    code = StrictCharField(
        max_length=64, required=False, default="", help_text="an invite-only wall's code"
    )


class VerifyInput(serializers.Serializer):
    email = StrictCharField(max_length=254, help_text="your address at one of the school's domains")


class VerifySentOutput(serializers.Serializer):
    email_domain = serializers.CharField(help_text="the domain the code went to")
    expires_at = serializers.DateTimeField(help_text="the code works until then, once")


class VerifyConfirmInput(serializers.Serializer):
    code = StrictCharField(max_length=12, help_text="the six digits you were sent")


PostOutput = serializer_of(PostPayload)


class PostInput(serializers.Serializer):
    body = StrictCharField(max_length=BODY_MAX_CHARS, trim_whitespace=False)
    to = StrictCharField(max_length=TO_MAX_CHARS, required=False, default="", allow_blank=True)
    anonymous = serializers.BooleanField(default=True)
    media = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=9
    )


class FeedQuery(serializers.Serializer):
    sort = serializers.ChoiceField(choices=["new", "hot"], required=False, default="new")
    q = StrictCharField(
        max_length=SEARCH_MAX_CHARS,
        required=False,
        default="",
        allow_blank=True,
        help_text="search: posts whose text, or a comment's, holds this (a name, a dorm, a "
        "class; any case), newest first; limited per account (WALL_SEARCHES_PER_MINUTE)",
    )


CommentOutput = serializer_of(CommentPayload)


class CommentInput(serializers.Serializer):
    body = StrictCharField(max_length=COMMENT_MAX_CHARS, trim_whitespace=False)
    anonymous = serializers.BooleanField(default=False)
    parent = serializers.IntegerField(  # type: ignore[assignment]  # a field, not the parent
        min_value=1, required=False, help_text="a top-level comment to reply to"
    )


class WallReportInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=ReasonCategory.choices)
    text = StrictCharField(max_length=1000, required=False, default="", allow_blank=True)


WallReportOutput = serializer_of(ReportPayload, "ReportOutput")


class MutesInput(serializers.Serializer):
    words = serializers.ListField(
        child=StrictCharField(max_length=MUTED_WORD_MAX_CHARS),
        max_length=MUTED_WORDS_MAX,
        help_text="every word you mute (this list replaces the last); matched as the word "
        "filter matches: full-width forms, spacing, punctuation and case do not matter",
    )


class MutesOutput(serializers.Serializer):
    words = serializers.ListField(child=serializers.CharField())


class FollowOutput(serializers.Serializer):
    following = serializers.BooleanField(help_text="whether you follow the post")
