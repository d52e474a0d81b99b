"""What a user's export holds, as JSON-ready sections: their profile, everything they wrote,
what they received, and what they keep (likes, follows, blocks, mutes, settings).

The rule of the whole file: it names nobody the user could not see named in the app. An
anonymous sender is `null` (or "the sender" in a thread), unless they revealed themselves; a
message through the user's inbox link is `from_link` with no one behind it; a block of an
anonymous sender says which confession it came from, never whom; the stand-in accounts of
link messages never appear. Bodies of other people's work appear only where the user
received it (a confession to them, a reply in their own thread)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from accounts import phones, regions
from accounts.models import Block, User
from accounts.selectors import STAND_IN_PREFIX
from core.moderated import Status
from media_app.models import Media
from messages_app import selectors
from messages_app.models import Confession, Crush, InboxLink, Match
from moderation.models import Report
from walls.models import Comment, Follow, Like, Membership, Post

Section = list[dict[str, Any]] | dict[str, Any]


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _named(user: User | None) -> str | None:
    """A username, never a link message's stand-in account's."""
    if user is None or user.username.startswith(STAND_IN_PREFIX):
        return None
    return user.username


def profile(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "bio": user.bio,
        "date_joined": _when(user.date_joined),
        "language": user.language,
        "accepts_anonymous": user.accepts_anonymous,
        "ip_region": regions.shown(user.ip_region),
        "phone": phones.unseal(user.phone_sealed),
        "signed_in_with_wechat": bool(user.wechat_openid),
        "avatar": user.avatar_id,
        "muted_words": user.muted_words or [],
        "notification_settings": user.notification_settings or {},
    }


def _media_ids(attachments: Any) -> list[int]:
    return [item.media_id for item in attachments.all()]


def confessions_sent(user: User) -> list[dict[str, Any]]:
    sent = (
        Confession.objects.filter(sender=user)
        .select_related("recipient")
        .prefetch_related("attachments", "replies", "hints")
        .order_by("created_at", "id")
    )
    return [
        {
            "id": confession.pk,
            "to": _named(confession.recipient),
            "body": confession.body,
            "anonymous": confession.anonymous,
            "revealed_at": _when(confession.revealed_at),
            "status": confession.status,
            "created_at": _when(confession.created_at),
            "deliver_at": _when(confession.deliver_at),
            "retracted_at": _when(confession.retracted_at),
            "media": _media_ids(confession.attachments),
            "hints": [hint.text for hint in confession.hints.all()],
            "replies": _replies(confession, user, other="recipient"),
        }
        for confession in sent
    ]


def _public(item: Any) -> bool:
    return item.status == Status.APPROVED and not getattr(item, "suppressed", False)


def _replies(confession: Confession, user: User, *, other: str) -> list[dict[str, Any]]:
    """A thread's replies as `user` sees them: theirs, and the other side's that are public,
    the other side named only by its part (`sender` or `recipient`)."""
    return [
        {
            "by": "me" if reply.author_id == user.pk else other,
            "body": reply.body,
            "created_at": _when(reply.created_at),
        }
        for reply in confession.replies.all()
        if reply.author_id == user.pk or _public(reply)
    ]


def _matches(user: User) -> QuerySet[Match]:
    """Every match of `user` (the pair's rows, as `sender_visible`'s `matched` reads them)."""
    return Match.objects.filter(Q(user_low=user) | Q(user_high=user))


def _matched_with(user: User) -> set[int]:
    """The people `user` has matched with."""
    pairs = _matches(user).values_list("user_low_id", "user_high_id")
    return {high if low == user.pk else low for low, high in pairs}


def confessions_received(user: User) -> list[dict[str, Any]]:
    received = (
        Confession.objects.filter(
            recipient=user,
            status=Status.APPROVED,
            suppressed=False,
            delivered_at__isnull=False,
            retracted_at__isnull=True,
        )
        .select_related("sender")
        .prefetch_related("attachments", "replies", "hints")
        .order_by("delivered_at", "id")
    )
    matched = _matched_with(user)

    def sender(confession: Confession) -> str | None:
        # The one anonymity rule: the app names the sender exactly when it holds.
        shown = selectors.sender_visible(
            viewer_id=user.pk,
            sender_id=confession.sender_id,
            anonymous=confession.anonymous,
            matched=confession.sender_id in matched,
        )
        return _named(confession.sender) if shown else None

    return [
        {
            "id": confession.pk,
            "from": sender(confession),
            "anonymous": confession.anonymous,
            "from_link": confession.via_link_id is not None,
            "body": confession.body,
            "delivered_at": _when(confession.delivered_at),
            "attachments": len(confession.attachments.all()),
            "hints": [hint.text for hint in confession.hints.all()],
            "replies": _replies(confession, user, other="sender"),
        }
        for confession in received
    ]


def crushes(user: User) -> Section:
    owned = Crush.objects.filter(owner=user).select_related("target").order_by("created_at")
    matches = _matches(user).select_related("user_low", "user_high")
    return {
        "crushes": [
            {
                "on": _named(crush.target),
                "created_at": _when(crush.created_at),
                "removed_at": _when(crush.removed_at),
                "matched_at": _when(crush.matched_at),
            }
            for crush in owned
        ],
        "matches": [
            {
                "with": _named(match.user_high if match.user_low_id == user.pk else match.user_low),
                "at": _when(match.created_at),
            }
            for match in matches
        ],
    }


def inbox_link(user: User) -> dict[str, Any] | None:
    link = InboxLink.objects.filter(owner=user).first()
    if link is None:
        return None
    return {
        "handle": link.handle,
        "enabled": link.enabled,
        "paused": link.paused,
        "prompt": link.prompt,
        "filter_words": link.filter_words,
        "created_at": _when(link.created_at),
    }


def wall_posts(user: User) -> list[dict[str, Any]]:
    posts = (
        Post.objects.filter(author=user)
        .select_related("wall")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    return [
        {
            "id": post.pk,
            "wall": post.wall.slug,
            "body": post.body,
            "to": post.to,
            "anonymous": post.anonymous,
            "status": post.status,
            "created_at": _when(post.created_at),
            "deleted_at": _when(post.deleted_at),
            "media": _media_ids(post.attachments),
        }
        for post in posts
    ]


def wall_comments(user: User) -> list[dict[str, Any]]:
    comments = Comment.objects.filter(author=user).order_by("created_at", "id")
    return [
        {
            "id": comment.pk,
            "post_id": comment.post_id,
            "reply_to": comment.parent_id,
            "body": comment.body,
            "anonymous": comment.anonymous,
            "status": comment.status,
            "created_at": _when(comment.created_at),
            "deleted_at": _when(comment.deleted_at),
        }
        for comment in comments
    ]


def wall_memberships(user: User) -> list[dict[str, Any]]:
    return [
        {
            "wall": membership.wall.slug,
            "joined_at": _when(membership.joined_at),
            "verified_at": _when(membership.verified_at),
            "email_domain": membership.email_domain,
        }
        for membership in Membership.objects.filter(user=user).select_related("wall")
    ]


def kept(user: User) -> dict[str, Any]:
    """What the user keeps of others' work: likes, follows, blocks, reports."""
    blocks = Block.objects.filter(blocker=user).select_related("blocked")
    from_confession = dict(
        Confession.objects.filter(sender_block__in=blocks, recipient=user).values_list(
            "sender_block_id", "id"
        )
    )
    return {
        "likes": [
            {"post_id": like.post_id, "at": _when(like.created_at)}
            for like in Like.objects.filter(user=user).order_by("created_at")
        ],
        "follows": [
            {"post_id": follow.post_id, "at": _when(follow.created_at)}
            for follow in Follow.objects.filter(user=user).order_by("created_at")
        ],
        "blocks": [_block(block, from_confession) for block in blocks],
        "reports": [
            {
                "kind": report.content_type.model,
                "id": report.object_id,
                "category": report.category,
                "text": report.text,
                "at": _when(report.created_at),
                "outcome": report.outcome,
            }
            for report in Report.objects.filter(reporter=user).select_related("content_type")
        ],
    }


def _block(block: Block, from_confession: dict[int, int]) -> dict[str, Any]:
    if block.anonymous:
        # Blocked from an anonymous confession: which one, never whom.
        return {"anonymous_sender_of": from_confession.get(block.pk), "at": _when(block.created_at)}
    return {"username": _named(block.blocked), "at": _when(block.created_at)}


def media(user: User) -> list[Media]:
    """The user's own media files, originals (the zip's `media/`)."""
    return list(Media.objects.filter(owner=user).order_by("created_at", "id"))


def sections(user: User, media: list[Media]) -> dict[str, Section | None]:
    """Each JSON file of the zip, by name; `media`, the user's files (`media`) it lists."""
    return {
        "profile": profile(user),
        "confessions_sent": confessions_sent(user),
        "confessions_received": confessions_received(user),
        "crushes": crushes(user),
        "inbox_link": inbox_link(user),
        "wall_posts": wall_posts(user),
        "wall_comments": wall_comments(user),
        "wall_memberships": wall_memberships(user),
        "kept": kept(user),
        "media": [
            {
                "id": item.pk,
                "kind": item.kind,
                "file": media_file_name(item),
                "created_at": _when(item.created_at),
            }
            for item in media
        ],
    }


def media_file_name(item: Media) -> str:
    """Where a file goes in the zip: `media/<id>` with its stored extension."""
    name = item.storage_key.rsplit("/", 1)[-1]
    suffix = f".{name.rsplit('.', 1)[-1]}" if "." in name else ""
    return f"media/{item.pk}{suffix}"
