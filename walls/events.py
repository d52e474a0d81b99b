"""Every event the walls app tells users about, declared in `realtime.events` and built here.
An anonymous author appears as null; "the author" of an anonymous post commenting on it is
`post_author: true` with no identity."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from realtime.events import declare, person

COMMENTED = declare(
    "wall.commented",
    to="a post's author when a comment on it appears (and a comment's author when a reply to "
    "it does, and the post's followers); not from someone they block, not holding a word "
    "they mute",
    data="`post_id`, `comment_id`, `reply` (a reply to your comment), `following` (told "
    "because you follow the post), `author` (null when anonymous), `alias` (the commenter's "
    "alias in the thread: OP, A, B, ...)",
)
LIKED = declare(
    "wall.liked",
    to="a post's author, once for the likes of a few minutes (WALL_LIKE_DIGEST_SECONDS)",
    data="`post_id`, `new` (likes since the last one told), `total`",
)

MODERATED = declare(
    "wall.moderated",
    to="the author of a post or comment, when moderators reject or hide it (or WeChat's image "
    "check rejects a post)",
    data="`post_id`, `comment_id` (comments only), `status`, `reason` (a category)",
)

Event = dict[str, Any]


def commented(
    *,
    post_id: int,
    comment_id: int,
    reply: bool,
    following: bool,
    author: User,
    author_visible: bool,
    alias: str,
) -> Event:
    return {
        "type": COMMENTED,
        "data": {
            "post_id": post_id,
            "comment_id": comment_id,
            "reply": reply,
            "following": following,
            "author": person(author) if author_visible else None,
            "alias": alias,
        },
    }


def liked(*, post_id: int, new: int, total: int) -> Event:
    return {"type": LIKED, "data": {"post_id": post_id, "new": new, "total": total}}


def moderated(*, post_id: int, status: str, reason: str, comment_id: int | None = None) -> Event:
    data: dict[str, Any] = {"post_id": post_id}
    if comment_id is not None:
        data["comment_id"] = comment_id
    return {"type": MODERATED, "data": {**data, "status": status, "reason": reason}}
