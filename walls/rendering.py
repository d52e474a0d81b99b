"""How walls, posts and comments look to each viewer. Whether an author is shown is
`walls.selectors`' decision; without it no username or display name appears."""

from __future__ import annotations

from typing import Any

from authoring.people import person_of, person_row, person_shown
from media_app.rendering import MEDIA_FIELDS, Urls, media_values_render
from walls import selectors
from walls.models import Comment, Post, Wall


def wall_render(wall: Wall) -> dict[str, Any]:
    return {
        "slug": wall.slug,
        "name": wall.name,
        "description": wall.description,
        "invite_only": wall.invite_only,
        "moderation": wall.moderation,
        "joined": bool(getattr(wall, "joined", False)),
    }


def post_render(post: Post, *, viewer_id: int, urls: Urls) -> dict[str, Any]:
    """A post read through the ORM (with `selectors`' counts), rendered as its row would be."""
    row = {
        **{
            name: getattr(post, name)
            for name in (
                "id",
                "body",
                "to",
                "anonymous",
                "status",
                "pinned",
                "created_at",
                "author_id",
                "like_count",
                "comment_count",
                "liked",
            )
        },
        "wall__slug": post.wall.slug,
        **person_row(post.author, "author__"),
        "media": [
            {f"media__{name}": getattr(item.media, name) for name in MEDIA_FIELDS}
            for item in post.attachments.all()
        ],
    }
    return post_row_render(row, viewer_id=viewer_id, urls=urls)


def comment_render(comment: Comment, post: Post, *, viewer_id: int, urls: Urls) -> dict[str, Any]:
    shown, post_author = selectors.comment_author_shown(comment, post, viewer_id=viewer_id)
    return {
        "id": comment.pk,
        "post_id": comment.post_id,
        "parent_id": comment.parent_id,
        "body": comment.body,
        "anonymous": comment.anonymous,
        "author": person_of(comment.author, urls) if shown else None,
        "post_author": post_author,
        "mine": comment.author_id == viewer_id,
        "status": comment.status,
        "created_at": comment.created_at,
    }


def post_row_render(row: dict[str, Any], *, viewer_id: int, urls: Urls) -> dict[str, Any]:
    """A post as clients see it, from a read-model row (`selectors.POST_VALUES`, with its
    media)."""
    shown = selectors.post_author_shown(
        anonymous=row["anonymous"], author_id=row["author_id"], viewer_id=viewer_id
    )
    return {
        "id": row["id"],
        "wall": row["wall__slug"],
        "body": row["body"],
        "to": row["to"],
        "anonymous": row["anonymous"],
        "author": person_shown(row, "author__", urls) if shown else None,
        "mine": row["author_id"] == viewer_id,
        "status": row["status"],
        "pinned": row["pinned"],
        "created_at": row["created_at"],
        "media": [media_values_render(media, urls, "media__") for media in row["media"]],
        "like_count": row["like_count"],
        "comment_count": row["comment_count"],
        "liked": row["liked"],
    }
