"""How a confession looks to each viewer. The one rule that matters: the sender's identity
reaches the recipient (or a share-link viewer) only when the confession is not anonymous or the
two have matched; otherwise no id, username or display name appears anywhere."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.models import User
from accounts.rendering import avatar_url
from media_app.rendering import media_render
from messages_app.models import Confession, Reply


def person(user: User) -> dict[str, str]:
    """Who someone is, as stored in notifications (no URLs: they would expire there)."""
    return {"username": user.username, "display_name": user.display_name}


def person_shown(user: User, *, request: HttpRequest | None) -> dict[str, Any]:
    """Who someone is, in a response rendered now: with a fresh avatar URL."""
    return {**person(user), "avatar_url": avatar_url(user, request)}


def sender_visible(confession: Confession, *, viewer: User) -> bool:
    return (
        viewer.pk == confession.sender_id
        or not confession.anonymous
        or bool(getattr(confession, "matched", False))
    )


def confession_render(
    confession: Confession, *, viewer: User, request: HttpRequest | None = None
) -> dict[str, Any]:
    is_sender = viewer.pk == confession.sender_id
    role = "sender" if is_sender else ("recipient" if viewer.pk == confession.recipient_id
                                       else "viewer")  # fmt: skip
    rendered = {
        "id": confession.pk,
        "role": role,
        "body": confession.body,
        "anonymous": confession.anonymous,
        "sender": person_shown(confession.sender, request=request)
        if sender_visible(confession, viewer=viewer)
        else None,
        "recipient": person_shown(confession.recipient, request=request)
        if confession.recipient_id
        else None,
        "matched": bool(getattr(confession, "matched", False)),
        "status": confession.status,
        "created_at": confession.created_at,
        "read_at": confession.read_at,
        "media": [
            media_render(attachment.media, request=request)
            for attachment in confession.attachments.all()
        ],
        "share_token": None,
    }
    if is_sender and confession.recipient_id is None:
        rendered["share_token"] = confession.share_token
    return rendered


def reply_render(
    reply: Reply, *, confession: Confession, viewer: User, request: HttpRequest | None = None
) -> dict[str, Any]:
    from_sender = reply.author_id == confession.sender_id
    visible = not from_sender or sender_visible(confession, viewer=viewer)
    return {
        "id": reply.pk,
        "body": reply.body,
        "created_at": reply.created_at,
        "from": "sender" if from_sender else "recipient",
        "mine": reply.author_id == viewer.pk,
        "author": person_shown(reply.author, request=request) if visible else None,
        "status": reply.status,
    }
