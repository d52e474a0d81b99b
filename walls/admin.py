"""The moderators' desk for walls, on the confessions' rules: every decision is a
`walls.services` call and lands in the audit log (`moderation.Decision`); nothing here edits a post
or a comment; an anonymous author is shown to superusers only, and no screen lets a moderator
filter, search or sort by an author (`PeopleGuardedAdmin`)."""

from __future__ import annotations

from functools import partial
from typing import Any, cast

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_bases import PeopleGuardedAdmin, ReadOnlyModelAdmin
from media_app.selectors import Attachments
from moderation.admin import (
    AuthorRecordMixin,
    ClaimsMixin,
    DecisionInline,
    ReportInline,
    ThumbnailsMixin,
    moderation_action,
    notice_action,
    open_report_counts,
    sanction_actions,
)
from walls import selectors, services
from walls.models import Comment, Post, PostMedia, Wall


@admin.register(Wall)
class WallAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "verification", "moderation", "shows_region", "created_at")
    prepopulated_fields = {"slug": ("name",)}


# Every decision of the desk on a wall's work: (action, title, whether it needs a reason
# category, whether it is for posts only).
_DECISIONS = (
    ("approve", _("Approve (make public)"), False, False),
    ("reject", _("Reject"), True, False),
    ("hide", _("Hide"), True, False),
    ("fold", _("Fold (shown collapsed, with the reason)"), True, True),
    ("unfold", _("Unfold"), False, True),
    ("lock", _("Lock comments"), False, True),
    ("unlock", _("Unlock comments"), False, True),
    ("pin", _("Pin to the top of the feed"), False, True),
    ("unpin", _("Unpin"), False, True),
)


def _actions(decide, target: str, *, posts: bool) -> tuple[Any, ...]:
    return tuple(
        moderation_action(
            action,
            cast(str, title),
            partial(decide, action=action),
            needs_reason=needs_reason,
            permission="moderate",
            target=target,
        )
        for action, title, needs_reason, posts_only in _DECISIONS
        if posts or not posts_only
    )


class _WorkAdmin(ClaimsMixin, AuthorRecordMixin, PeopleGuardedAdmin, ReadOnlyModelAdmin):
    person_fields = {"author": "author_unless_anonymous"}
    moderator_search_fields = ("body",)
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(open_reports=open_report_counts(self.model))

    @admin.display(description=_("reports"), ordering="open_reports")
    def open_report_count(self, item) -> int:
        return item.open_reports

    @admin.display(description=_("text"))
    def excerpt(self, item) -> str:
        return item.body[:80]

    @admin.display(description=_("author"))
    def author_unless_anonymous(self, item) -> str:
        # The rule the API follows, for a viewer who wrote nothing here.
        return item.author.username if self.author_shown(item) else gettext("(anonymous)")

    def author_shown(self, post: Post) -> bool:
        return selectors.post_author_shown(
            anonymous=post.anonymous, author_id=post.author_id, viewer_id=None
        )

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm(f"walls.moderate_{self.model._meta.model_name}")


@admin.register(Post)
class PostAdmin(ThumbnailsMixin, _WorkAdmin):
    attachments = Attachments(PostMedia, "post")

    list_display = (
        "id",
        "excerpt",
        "pictures",
        "wall",
        "status",
        "pinned",
        "open_report_count",
        "anonymous",
        "author",
        "author_record",
        "claimed_by",
        "created_at",
    )
    fields = (
        "wall",
        "status",
        "pinned",
        "author",
        "anonymous",
        "author_record",
        "to",
        "body",
        "moderation_note",
        "created_at",
        "deleted_at",
    )
    search_fields = ("body", "to", "author__username")
    moderator_search_fields = ("body", "to")
    list_filter = ("status", "wall", "pinned", "anonymous", "created_at")
    list_select_related = ("author", "wall")
    inlines = (ReportInline, DecisionInline)
    actions = (
        *_actions(services.post_decide, "post_id", posts=True),
        *sanction_actions(Post),
        notice_action(Post),
    )


@admin.register(Comment)
class CommentAdmin(_WorkAdmin):
    list_display = (
        "id",
        "excerpt",
        "post",
        "status",
        "open_report_count",
        "anonymous",
        "author",
        "author_record",
        "claimed_by",
        "created_at",
    )
    fields = (
        "post",
        "parent",
        "status",
        "author",
        "anonymous",
        "author_record",
        "body",
        "moderation_note",
        "created_at",
        "deleted_at",
    )
    search_fields = ("body", "author__username")
    list_filter = ("status", "anonymous", "created_at")
    list_select_related = ("author",)
    ordering = ("-created_at", "-id")  # the newest first (a post's comments read oldest first)
    inlines = (ReportInline, DecisionInline)
    actions = (
        *_actions(services.comment_decide, "comment_id", posts=False),
        *sanction_actions(Comment),
        notice_action(Comment),
    )

    def author_shown(self, comment: Comment) -> bool:
        # The author of an anonymous post commenting on it is as anonymous as the post.
        shown, _ = selectors.comment_author_shown(comment, comment.post, viewer_id=None)
        return shown
