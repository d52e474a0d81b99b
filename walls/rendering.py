"""How walls, posts and comments look to each viewer. Whether an author is shown is
`walls.selectors`' decision; without it no username or display name appears."""

from __future__ import annotations

from typing import Any

from media_app.rendering import MEDIA_FIELDS, Urls, media_values_render
from messages_app.rendering import person_of
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
    shown = selectors.post_author_shown(anonymous=post.anonymous, author_id=post.author_id,
                                        viewer_id=viewer_id)  # fmt: skip
    return {
        "id": post.pk,
        "wall": post.wall.slug,
        "body": post.body,
        "to": post.to,
        "anonymous": post.anonymous,
        "author": person_of(post.author, urls) if shown else None,
        "mine": post.author_id == viewer_id,
        "status": post.status,
        "pinned": post.pinned,
        "created_at": post.created_at,
        "media": [
            media_values_render({name: getattr(item.media, name) for name in MEDIA_FIELDS}, urls)
            for item in post.attachments.all()
        ],
        "like_count": post.like_count,
        "comment_count": post.comment_count,
        "liked": post.liked,
    }


def comment_render(comment: Comment, post: Post, *, viewer_id: int,
                   urls: Urls) -> dict[str, Any]:  # fmt: skip
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
    """`post_render` of a read-model row (`selectors.POST_VALUES`, with its media)."""
    shown = selectors.post_author_shown(anonymous=row["anonymous"], author_id=row["author_id"],
                                        viewer_id=viewer_id)  # fmt: skip
    author = {
        "username": row["author__username"],
        "display_name": row["author__display_name"],
        "avatar_url": urls.avatar(row["author__avatar__storage_key"],
                                  row["author__avatar__thumbnail_key"]),
    } if shown else None  # fmt: skip
    return {
        "id": row["id"],
        "wall": row["wall__slug"],
        "body": row["body"],
        "to": row["to"],
        "anonymous": row["anonymous"],
        "author": author,
        "mine": row["author_id"] == viewer_id,
        "status": row["status"],
        "pinned": row["pinned"],
        "created_at": row["created_at"],
        "media": [media_values_render(media, urls, "media__") for media in row["media"]],
        "like_count": row["like_count"],
        "comment_count": row["comment_count"],
        "liked": row["liked"],
    }
