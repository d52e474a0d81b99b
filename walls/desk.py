"""Wall posts and comments at the moderators' desk (`moderation.desk`): how the desk shows
one and decides it, through `walls.services`. An anonymous author is never shown (the rule
the API follows for a viewer who wrote nothing here)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_lazy

from core.moderated import Status
from media_app.rendering import Urls, media_values_render
from media_app.selectors import Attachments
from moderation.desk import DeskDecision, DeskKind, Shown, common_decisions
from moderation.models import ReasonCategory
from walls import selectors, services
from walls.models import Comment, Post, PostMedia

_attachments = Attachments(PostMedia, "post")


def _posts() -> Any:
    return Post.objects.filter(deleted_at__isnull=True).select_related("wall", "author")


def _show_posts(items: list[Post], request: Any) -> dict[int, Shown]:
    urls = Urls(request)
    carried = _attachments.attach([{"id": item.pk} for item in items])
    shown = {}
    for item, found in zip(items, carried, strict=True):
        context = []
        if item.to:
            context.append((gettext("to"), item.to))
        if item.anonymous:
            context.append((gettext("author"), gettext("anonymous")))
        if item.folded_reason:
            reasons = dict(ReasonCategory.choices)
            context.append((gettext("folded"), str(reasons.get(item.folded_reason, ""))))
        if item.comments_locked:
            context.append((gettext("comments"), gettext("locked")))
        author_shown = selectors.post_author_shown(
            anonymous=item.anonymous, author_id=item.author_id, viewer_id=None
        )
        shown[item.pk] = Shown(
            text=item.body,
            context=context,
            pictures=[media_values_render(m, urls, "media__") for m in found["media"]],
            author=item.author.username if author_shown else None,
            wall=item.wall.name,
        )
    return shown


def _decide_post(*, moderator: Any, target_id: int, action: str, reason: str, note: str) -> None:
    services.post_decide(
        moderator=moderator, post_id=target_id, action=action, reason=reason, note=note
    )


POSTS = DeskKind(
    name="post",
    label=gettext_lazy("wall post"),
    model=Post,
    permission="walls.moderate_post",
    queryset=_posts,
    show=_show_posts,
    decide=_decide_post,
    # Approving what is public already closes its reports with no action.
    decisions=(
        *common_decisions(keep="approve"),
        DeskDecision(
            "fold",
            gettext_lazy("Fold"),
            "f",
            needs_reason=True,
            applies=lambda item, reported: (
                not item.folded_reason and item.status == Status.APPROVED
            ),
        ),
        DeskDecision(
            "lock",
            gettext_lazy("Lock comments"),
            "l",
            applies=lambda item, reported: not item.comments_locked,
        ),
    ),
    wall_field="wall__slug",
)


def _comments() -> Any:
    return Comment.objects.filter(
        deleted_at__isnull=True, post__deleted_at__isnull=True
    ).select_related("author", "post", "post__wall")


def _show_comments(items: list[Comment], request: Any) -> dict[int, Shown]:
    shown = {}
    for item in items:
        author_shown, _ = selectors.comment_author_shown(item, item.post, viewer_id=None)
        context = [(gettext("on the post"), item.post.body[:200])]
        if item.anonymous:
            context.append((gettext("author"), gettext("anonymous")))
        shown[item.pk] = Shown(
            text=item.body,
            context=context,
            author=item.author.username if author_shown else None,
            wall=item.post.wall.name,
        )
    return shown


def _decide_comment(*, moderator: Any, target_id: int, action: str, reason: str, note: str) -> None:
    services.comment_decide(
        moderator=moderator, comment_id=target_id, action=action, reason=reason, note=note
    )


COMMENTS = DeskKind(
    name="comment",
    label=gettext_lazy("comment"),
    model=Comment,
    permission="walls.moderate_comment",
    queryset=_comments,
    show=_show_comments,
    decide=_decide_comment,
    decisions=common_decisions(keep="approve"),
    wall_field="post__wall__slug",
)
