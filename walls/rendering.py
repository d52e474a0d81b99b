"""How walls, posts and comments look to each viewer. Whether an author is shown is
`walls.selectors`' decision; without it no username or display name appears."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, TypedDict, cast

from accounts import regions
from authoring.people import PersonPayload, person_of, person_shown
from core.payloads import SLUG, Doc
from media_app.rendering import MediaPayload, Urls, media_values_render
from walls import aliases, selectors
from walls.models import Comment, Post, Wall

Status = Literal["pending", "approved", "rejected", "hidden"]


class WallPayload(TypedDict):
    slug: Annotated[str, SLUG]
    name: str
    description: str
    invite_only: Annotated[bool, Doc("read by its members alone (`verification` is `code`)")]
    verification: Annotated[
        Literal["none", "email", "code"],
        Doc(
            "who may post: none, anyone who joins; email, members who verified a school "
            "address (`POST /walls/{slug}/verify`); code, members who joined with the invite code"
        ),
    ]
    email_domains: Annotated[list[str], Doc("an `email` wall's school domains")]
    shows_region: Annotated[bool, Doc("signed posts and comments show their author's region")]
    moderation: Annotated[
        Literal["pre", "post"],
        Doc(
            "pre: nothing is public until a moderator approves it; post: public at once when "
            "the checker chain passes it"
        ),
    ]
    joined: bool
    verified: Annotated[bool, Doc("you are a verified member")]


class PostPayload(TypedDict):
    id: int
    wall: Annotated[str, SLUG]
    body: str
    to: Annotated[str, Doc("whom it is for, described (may be empty)")]
    anonymous: bool
    author: Annotated[PersonPayload | None, Doc("null when anonymous (except to its author)")]
    verified: Annotated[bool, Doc("written by a verified member of the wall")]
    ip_region: Annotated[
        str | None,
        Doc(
            "its author's region when they wrote it, where the wall `shows_region`; null "
            "otherwise, and always for anonymous work"
        ),
    ]
    mine: bool
    status: Status
    pinned: Annotated[bool, Doc("moderators pinned it to the top of the feed")]
    folded: Annotated[
        str | None,
        Doc("moderators folded it: show it collapsed, with this reason category; else null"),
    ]
    comments_locked: Annotated[bool, Doc("moderators closed it to new comments")]
    created_at: datetime
    media: list[MediaPayload]
    like_count: int
    comment_count: int
    liked: Annotated[bool, Doc("whether you like it")]


class CommentPayload(TypedDict):
    id: int
    post_id: int
    parent_id: Annotated[int | None, Doc("the comment it answers")]
    body: str
    anonymous: bool
    author: PersonPayload | None
    verified: Annotated[bool, Doc("written by a verified member of the wall")]
    ip_region: Annotated[str | None, Doc("as a post's")]
    post_author: Annotated[
        bool, Doc("written by the post's author (for an anonymous post: without saying who)")
    ]
    alias: Annotated[
        str,
        Doc(
            "its author's alias in this post's thread, the same on each of their comments here: "
            '"OP" (洞主) for the poster, then A, B, C, ... by first comment; a person\'s '
            "anonymous comments and signed ones have different aliases, and aliases say nothing "
            "across posts"
        ),
    ]
    mine: bool
    status: Status
    created_at: datetime


class WallListPayload(TypedDict):
    results: list[WallPayload]


def wall_render(wall: Wall) -> WallPayload:
    return {
        "slug": wall.slug,
        "name": wall.name,
        "description": wall.description,
        "invite_only": wall.invite_only,
        # The column holds only its choices.
        "verification": cast(Literal["none", "email", "code"], wall.verification),
        "email_domains": wall.domains(),
        "shows_region": wall.shows_region,
        # The column holds only its choices.
        "moderation": cast(Literal["pre", "post"], wall.moderation),
        "joined": bool(getattr(wall, "joined", False)),
        "verified": bool(getattr(wall, "verified", False)),
    }


def _region(region: regions.Region | None, masked: bool, wall_shows: bool) -> str | None:
    """Never for work that hides its author (none is kept for it either), and only where the
    wall shows it."""
    if masked or not wall_shows:
        return None
    return regions.shown(region)


def comment_render(comment: Comment, post: Post, *, viewer_id: int, urls: Urls) -> CommentPayload:
    shown, post_author = selectors.comment_author_shown(comment, post, viewer_id=viewer_id)
    return {
        "id": comment.pk,
        "post_id": comment.post_id,
        "parent_id": comment.parent_id,
        "body": comment.body,
        "anonymous": comment.anonymous,
        "author": person_of(comment.author, urls) if shown else None,
        "verified": comment.verified,
        "ip_region": _region(
            comment.region,
            selectors.comment_masked(
                anonymous=comment.anonymous, author_id=comment.author_id, post=post
            ),
            post.wall.shows_region,
        ),
        "post_author": post_author,
        "alias": aliases.comment_alias(comment),
        "mine": comment.author_id == viewer_id,
        "status": cast(Status, comment.status),
        "created_at": comment.created_at,
    }


def post_row_render(row: dict[str, Any], *, viewer_id: int, urls: Urls) -> PostPayload:
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
        "verified": row["verified"],
        "ip_region": _region(row["region"], row["anonymous"], row["wall__shows_region"]),
        "mine": row["author_id"] == viewer_id,
        "status": row["status"],
        "pinned": row["pinned"],
        "folded": row["folded_reason"] or None,
        "comments_locked": row["comments_locked"],
        "created_at": row["created_at"],
        "media": [media_values_render(media, urls, "media__") for media in row["media"]],
        "like_count": row["like_count"],
        "comment_count": row["comment_count"],
        "liked": row["liked"],
    }
