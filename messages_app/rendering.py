"""How a confession looks to each viewer. Whether the viewer may see who sent it is not decided
here: `messages_app.selectors` decides, and hands it over as a `Viewing`. Without it no id,
username or display name of the sender appears anywhere.

Renderers take the read model's rows (`selectors.CONFESSION_VALUES`, `REPLY_VALUES`) and one
`Urls` per response."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, TypedDict

from django.utils import timezone

from authoring.people import PersonPayload, person_of, person_row, person_shown
from core.payloads import Doc
from core.times import to_the_minute
from media_app.rendering import MediaPayload, Urls, media_values_render
from messages_app.models import Reply
from messages_app.selectors import Role, Row, Viewing

ShownStatus = Literal["pending", "approved", "rejected", "hidden", "scheduled"]


class ConfessionPayload(TypedDict):
    id: int
    role: Annotated[Role, Doc("how you relate to this confession")]
    body: str
    anonymous: bool
    sender: Annotated[PersonPayload | None, Doc("null for an anonymous sender until you two match")]
    recipient: Annotated[PersonPayload | None, Doc("null until a share link is claimed")]
    matched: bool
    status: Annotated[ShownStatus, Doc("scheduled: to its sender, while it waits for deliver_at")]
    created_at: datetime
    deliver_at: Annotated[
        datetime | None, Doc("to its sender, while it waits: when it will be delivered")
    ]
    read_at: datetime | None
    unread: Annotated[
        bool,
        Doc(
            "you received it and have not read it yet, or the other side replied since you "
            "last marked it read (POST .../read, or your own reply)"
        ),
    ]
    reply_count: Annotated[int, Doc("replies in the thread as you see it")]
    last_activity_at: Annotated[
        datetime, Doc("when it went out, or its latest reply: sort threads by it")
    ]
    media: list[MediaPayload]
    share_token: Annotated[
        str | None, Doc("to the sender, while nobody has claimed the share link")
    ]
    from_link: Annotated[
        bool, Doc("written to you through your personal inbox link (always anonymous)")
    ]


# "from" is a Python keyword: the functional form.
ReplyPayload = TypedDict(
    "ReplyPayload",
    {
        "id": int,
        "body": str,
        "created_at": datetime,
        "author": Annotated[PersonPayload | None, Doc("null for an anonymous sender")],
        "mine": bool,
        "status": Annotated[
            Literal["pending", "approved"], Doc("pending: held for review, seen only by you")
        ],
        "from": Literal["sender", "recipient"],
    },
)


# "with" is a Python keyword: the functional form.
MatchPayload = TypedDict(
    "MatchPayload",
    {
        "with": Annotated[PersonPayload, Doc("who you matched with")],
        "matched_at": datetime,
        "sent": Annotated[list[int], Doc("ids of your confessions to them")],
        "received": Annotated[list[int], Doc("ids of their confessions to you")],
    },
)


def match_render(
    matched_at: datetime, other: Any, between: dict[str, list[int]], urls: Urls
) -> MatchPayload:
    """A match as the list shows it: who (`other`, a User), when, and the confessions
    between the two that the viewer may open (`selectors.match_confessions`)."""
    return {
        "with": person_of(other, urls),
        "matched_at": matched_at,
        "sent": between["sent"],
        "received": between["received"],
    }


class ShareScenePayload(TypedDict):
    share_token: Annotated[str, Doc("open or claim it at /confessions/shared/{token}")]


def shown_status(row: Row) -> ShownStatus:
    """The moderation status, or `scheduled` while a sender's approved confession waits for
    its time (an addressed one until the worker has delivered it; a share link until its time
    comes). Only senders see confessions that have not gone out."""
    status, waiting_until = row["status"], row.get("waiting_until")
    if status == "approved" and waiting_until is not None:
        if row["recipient_id"] is not None or waiting_until > timezone.now():
            return "scheduled"
    return status


def confession_render(row: Row, *, viewing: Viewing, urls: Urls) -> ConfessionPayload:
    sender_view = viewing.role == "sender"
    shows_link = sender_view and row["recipient_id"] is None
    created_at, last_activity_at = row["created_at"], row["last_activity_at"]
    if not sender_view:
        # Anyone but its sender sees when it went out (a scheduled one: its delivery, not its
        # writing), to the minute (core.times), and its thread's last activity
        # no finer while nobody has replied.
        went_out = row["delivered_at"] or created_at
        created_at = to_the_minute(went_out)
        if last_activity_at is not None and last_activity_at <= went_out:
            last_activity_at = created_at
    return {
        "id": row["id"],
        "role": viewing.role,
        "body": row["body"],
        "anonymous": row["anonymous"],
        "sender": person_shown(row, "sender__", urls) if viewing.sender_visible else None,
        "recipient": person_shown(row, "recipient__", urls) if row["recipient_id"] else None,
        "matched": viewing.matched,
        "status": shown_status(row),
        "created_at": created_at,
        "deliver_at": row.get("waiting_until") if sender_view else None,
        "read_at": row["read_at"],
        "unread": row["unread"],
        "reply_count": row["reply_count"],
        "last_activity_at": last_activity_at,
        "media": [media_values_render(media, urls, "media__") for media in row["media"]],
        "share_token": row["share_token"] if shows_link else None,
        "from_link": row["via_link_id"] is not None,
    }


def reply_render(row: Row, *, sender_id: int, viewing: Viewing, urls: Urls) -> ReplyPayload:
    """A reply in the thread of a confession sent by `sender_id`."""
    from_sender = row["author_id"] == sender_id
    visible = not from_sender or viewing.sender_visible
    return {
        "id": row["id"],
        "body": row["body"],
        "created_at": row["created_at"],
        "from": "sender" if from_sender else "recipient",
        "mine": row["author_id"] == viewing.viewer_id,
        "author": person_shown(row, "author__", urls) if visible else None,
        "status": row["status"],
    }


def reply_row(reply: Reply) -> Row:
    """A reply just written, as the read model would give it."""
    return {
        "id": reply.pk,
        "body": reply.body,
        "created_at": reply.created_at,
        "author_id": reply.author_id,
        "status": reply.status,
        **person_row(reply.author, "author__"),
    }


class CrushPayload(PersonPayload):
    matched: Annotated[bool, Doc("they have you on their list too")]
    created_at: datetime


class CoolingCrushPayload(PersonPayload):
    frees_at: Annotated[datetime, Doc("when its place on your list is free again")]


class CrushListPayload(TypedDict):
    results: list[CrushPayload]
    cooling: Annotated[list[CoolingCrushPayload], Doc("removed, still holding their place")]
    free: Annotated[int, Doc("places left on your list")]
    max: int


def crush_list_render(state: dict[str, Any], *, limit: int, urls: Urls) -> CrushListPayload:
    """A secret-crush list (messages_app.services.crushes_of), for its owner alone."""
    return {
        "results": [
            {
                **person_of(crush.target, urls),
                "matched": crush.matched_at is not None,
                "created_at": crush.created_at,
            }
            for crush in state["listed"]
        ],
        "cooling": [
            {**person_of(crush.target, urls), "frees_at": frees_at}
            for crush, frees_at in state["cooling"]
        ],
        "free": state["free"],
        "max": limit,
    }


class InboxLinkPayload(TypedDict):
    enabled: Annotated[bool, Doc("others may see it and write through it")]
    paused: Annotated[bool, Doc("its card shows, but it takes no message")]
    prompt: Annotated[str, Doc("what the card asks writers (at most 100 characters)")]
    filter_words: Annotated[
        list[str], Doc("a message holding one is dropped, its writer told nothing")
    ]
    handle: Annotated[str | None, Doc("null until the link is first saved")]
    url: Annotated[str | None, Doc("the page to share: /u/<handle>")]


class InboxLinkCardPayload(TypedDict):
    handle: str
    display_name: Annotated[str, Doc("the owner's display name (or username)")]
    avatar_url: Annotated[str | None, Doc("signed, expiring")]
    prompt: str
    paused: bool


def inbox_link_render(link: Any, *, url_of: Any) -> InboxLinkPayload:
    """The owner's own view of their link (`link` None: not made yet)."""
    if link is None:
        return {
            "enabled": False,
            "paused": False,
            "prompt": "",
            "filter_words": [],
            "handle": None,
            "url": None,
        }
    return {
        "enabled": link.enabled,
        "paused": link.paused,
        "prompt": link.prompt,
        "filter_words": list(link.filter_words or []),
        "handle": link.handle,
        "url": url_of(f"/u/{link.handle}"),
    }


def inbox_link_card_render(link: Any, urls: Urls) -> InboxLinkCardPayload:
    """What anyone sees of an enabled link: the owner's name and picture, the prompt."""
    owner = person_of(link.owner, urls)
    return {
        "handle": link.handle,
        "display_name": owner["display_name"] or owner["username"],
        "avatar_url": owner["avatar_url"],
        "prompt": link.prompt,
        "paused": link.paused,
    }
