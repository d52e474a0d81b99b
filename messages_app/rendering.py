"""How a confession looks to each viewer. Whether the viewer may see who sent it is not decided
here: `messages_app.selectors` decides, and hands it over as a `Viewing`. Without it no id,
username or display name of the sender appears anywhere."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.avatars import avatar_url
from accounts.models import User
from media_app.rendering import media_render
from messages_app.models import Confession, Reply
from messages_app.selectors import Viewing


def person_shown(user: User, *, request: HttpRequest | None) -> dict[str, Any]:
    """Who someone is, in a response rendered now: with a fresh avatar URL."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "avatar_url": avatar_url(user, request),
    }


def confession_render(
    confession: Confession, *, viewing: Viewing, request: HttpRequest | None = None
) -> dict[str, Any]:
    rendered = {
        "id": confession.pk,
        "role": viewing.role,
        "body": confession.body,
        "anonymous": confession.anonymous,
        "sender": person_shown(confession.sender, request=request)
        if viewing.sender_visible
        else None,
        "recipient": person_shown(confession.recipient, request=request)
        if confession.recipient_id
        else None,
        "matched": viewing.matched,
        "status": confession.status,
        "created_at": confession.created_at,
        "read_at": confession.read_at,
        "media": [
            media_render(attachment.media, request=request)
            for attachment in confession.attachments.all()
        ],
        "share_token": None,
    }
    if viewing.role == "sender" and confession.recipient_id is None:
        rendered["share_token"] = confession.share_token
    return rendered


def reply_render(
    reply: Reply, *, confession: Confession, viewing: Viewing, request: HttpRequest | None = None
) -> dict[str, Any]:
    from_sender = reply.author_id == confession.sender_id
    visible = not from_sender or viewing.sender_visible
    return {
        "id": reply.pk,
        "body": reply.body,
        "created_at": reply.created_at,
        "from": "sender" if from_sender else "recipient",
        "mine": reply.author_id == viewing.viewer_id,
        "author": person_shown(reply.author, request=request) if visible else None,
        "status": reply.status,
    }
