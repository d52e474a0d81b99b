"""Every write of the confessions app: send, deliver, claim, read, reply, retract, block.

Delivery is one function (`_deliver`) whichever door leads to it: a send that passes
moderation, a claimed share link, and (moderation issue) a moderator's approval. It notifies
the recipient in the same transaction and decides the mutual match there too, with both users'
rows locked in id order, so two people confessing to each other at the same moment still match
exactly once.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import User
from confessions_backend.errors import ApplicationError
from media_app import services as media_services
from messages_app import moderation, selectors
from messages_app.models import Confession, ConfessionMedia, Match, Reply
from messages_app.rendering import person, sender_visible
from realtime.models import Notification
from realtime.services import notify

BODY_MAX_CHARS = 2000


def clean_text(text: str, *, field: str = "body") -> str:
    """A body as stored: trimmed, not empty, at most 2,000 characters, no NUL."""
    if "\x00" in text:
        raise ValidationError({field: ["NUL characters are not allowed."]})
    text = text.strip()
    if not text:
        raise ValidationError({field: ["Write something first."]})
    if len(text) > BODY_MAX_CHARS:
        raise ValidationError({field: [f"At most {BODY_MAX_CHARS} characters."]})
    return text


def _moderated(text: str, author: User) -> moderation.Verdict:
    verdict = moderation.moderate(text, author=author)
    if verdict.action == "block":
        raise ApplicationError(
            "content_rejected", "This text cannot be sent: it breaks the community rules."
        )
    return verdict


def _check_rate(recent: QuerySet, *, limit: int, what: str) -> None:
    """At most `limit` of `recent` (one user's rows, with `created_at`) in the last hour."""
    window = recent.filter(created_at__gte=timezone.now() - timedelta(hours=1))
    if window.count() >= limit:
        oldest = window.order_by("created_at").values_list("created_at", flat=True).first()
        wait = max(int((oldest + timedelta(hours=1) - timezone.now()).total_seconds()), 1)
        raise ApplicationError(
            "throttled",
            f"At most {limit} {what} an hour.",
            status=429,
            headers={"Retry-After": str(wait)},
        )


def _lock_pair(first_id: int, second_id: int) -> None:
    # Always in id order: two transactions locking the same pair can never deadlock.
    list(
        User.objects.select_for_update(no_key=True)
        .filter(pk__in={first_id, second_id})
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _live_confessions(*, sender_id: int, recipient_id: int):
    """Confessions from one to the other that count: delivered, approved, not retracted."""
    return Confession.objects.filter(
        sender_id=sender_id,
        recipient_id=recipient_id,
        status=Confession.Status.APPROVED,
        delivered_at__isnull=False,
        suppressed=False,
        retracted_at__isnull=True,
    )


def _match_if_mutual(confession: Confession) -> bool:
    """With the pair locked and not yet matched: whether the recipient has confessed to the
    sender too, creating the Match if so. Never across a block, in either direction: a match
    would tell someone who blocked an anonymous sender who it was."""
    sender, recipient = confession.sender, confession.recipient
    if account_selectors.is_blocked(sender=sender, recipient=recipient) or (
        account_selectors.is_blocked(sender=recipient, recipient=sender)
    ):
        return False
    counterpart = _live_confessions(sender_id=recipient.pk, recipient_id=sender.pk).exists()
    if counterpart:
        low, high = sorted((sender.pk, recipient.pk))
        Match.objects.create(user_low_id=low, user_high_id=high)
    return counterpart


def _deliver(confession: Confession) -> None:
    """Deliver an approved, addressed confession, inside the caller's transaction."""
    if confession.suppressed:
        return
    _lock_pair(confession.sender_id, confession.recipient_id)
    confession.delivered_at = timezone.now()
    confession.save(update_fields=["delivered_at"])
    already_matched = selectors.pair_matched(
        first_id=confession.sender_id, second_id=confession.recipient_id
    )
    newly_matched = not already_matched and _match_if_mutual(confession)
    # What the selectors annotate on a read, so the one visibility rule applies here too.
    confession.matched = already_matched or newly_matched
    sender, recipient = confession.sender, confession.recipient
    notify(
        user=recipient,
        type=Notification.Type.CONFESSION_RECEIVED,
        data={
            "confession_id": confession.pk,
            "anonymous": confession.anonymous,
            "sender": person(sender) if sender_visible(confession, viewer=recipient) else None,
            "has_media": confession.attachments.exists(),
        },
    )
    if newly_matched:
        received_by_sender = (
            _live_confessions(sender_id=recipient.pk, recipient_id=sender.pk)
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)
            .first()
        )
        for user, other, confession_id in (
            (sender, recipient, received_by_sender),
            (recipient, sender, confession.pk),
        ):
            notify(
                user=user,
                type=Notification.Type.CONFESSION_MATCHED,
                data={"confession_id": confession_id, "with": person(other)},
            )


def confession_send(
    *,
    sender: User,
    body: str,
    anonymous: bool = False,
    recipient_username: str | None = None,
    media_ids: list[int] | tuple[int, ...] = (),
) -> Confession:
    """Send a confession to a user, or (without a recipient) make one to share by link.

    Refuses with `ValidationError` (400): an empty, over-long or NUL-carrying body, an unknown
    recipient, oneself, an anonymous confession to someone who refuses those, media that is not
    the sender's or already attached. 429 past CONFESSIONS_PER_HOUR; 400 `content_rejected` if
    moderation blocks it. To a recipient who blocks the sender it is stored and looks sent, but
    reaches nobody. Approved and addressed, it is delivered at once (see `_deliver`).
    """
    body = clean_text(body)
    recipient = None
    if recipient_username is not None:
        recipient = User.objects.filter(username__iexact=recipient_username, is_active=True).first()
        if recipient is None:
            raise ValidationError({"recipient": ["No user with that username."]})
        if recipient.pk == sender.pk:
            raise ValidationError({"recipient": ["You cannot confess to yourself."]})
        if anonymous and not recipient.accepts_anonymous:
            raise ValidationError(
                {"anonymous": ["This user does not accept anonymous confessions."]}
            )
    media = media_services.media_for_attachment(owner=sender, media_ids=list(media_ids))
    _check_rate(
        Confession.objects.filter(sender=sender),
        limit=settings.CONFESSIONS_PER_HOUR,
        what="confessions",
    )
    verdict = _moderated(body, sender)
    approved = verdict.action == "pass"
    with transaction.atomic():
        confession = Confession.objects.create(
            sender=sender,
            recipient=recipient,
            body=body,
            anonymous=anonymous,
            share_token=None if recipient else secrets.token_urlsafe(24),
            status=Confession.Status.APPROVED if approved else Confession.Status.PENDING,
            moderation_note=verdict.reason[:255],
            suppressed=recipient is not None
            and account_selectors.is_blocked(sender=sender, recipient=recipient),
        )
        media_services.media_attach(media=media)
        ConfessionMedia.objects.bulk_create(
            ConfessionMedia(confession=confession, media=item, position=index)
            for index, item in enumerate(media)
        )
        if approved and recipient is not None:
            _deliver(confession)
    return confession


def confession_claim(*, user: User, token: str) -> Confession:
    """The first signed-in user other than the sender to claim a share link becomes its
    recipient, and it is delivered to them. The token works once: later claims are 404
    (the winner claiming again just gets it back)."""
    with transaction.atomic():
        confession = (
            Confession.objects.select_for_update()
            .filter(share_token=token, status=Confession.Status.APPROVED, retracted_at=None)
            .select_related("sender")
            .first()
        )
        if confession is None or confession.recipient_id not in (None, user.pk):
            raise Http404
        if confession.recipient_id == user.pk:
            return confession
        if confession.sender_id == user.pk:
            raise ValidationError("You cannot claim your own confession.")
        if account_selectors.is_blocked(sender=confession.sender, recipient=user):
            raise Http404
        confession.recipient = user
        confession.save(update_fields=["recipient"])
        _deliver(confession)
    return confession


def _as_recipient(user: User, confession_id: int) -> Confession:
    confession = selectors.confession_get_for_user(user=user, confession_id=confession_id)
    if confession.recipient_id != user.pk:
        raise PermissionDenied
    return confession


def confession_mark_read(*, user: User, confession_id: int) -> Confession:
    """The recipient reads it; the first time, the sender is told. Idempotent."""
    with transaction.atomic():
        confession = _as_recipient(user, confession_id)
        now = timezone.now()
        if Confession.objects.filter(pk=confession.pk, read_at=None).update(read_at=now):
            confession.read_at = now
            notify(
                user=confession.sender,
                type=Notification.Type.CONFESSION_READ,
                data={"confession_id": confession.pk},
            )
    return confession


def reply_create(*, user: User, confession_id: int, body: str) -> tuple[Confession, Reply]:
    """Either party adds to the thread; the other is told (an anonymous sender stays anonymous
    until a match). Replies pass the moderation chain like confessions: one held for review
    is seen by its author only, until a moderator releases it."""
    body = clean_text(body)
    _check_rate(Reply.objects.filter(author=user), limit=settings.REPLIES_PER_HOUR, what="replies")
    verdict = _moderated(body, user)
    with transaction.atomic():
        confession = selectors.confession_get_for_user(user=user, confession_id=confession_id)
        # A suppressed one looks delivered to its sender, so its thread takes replies too
        # (which reach nobody); one still unclaimed or under review has no thread yet.
        undelivered = confession.delivered_at is None and not confession.suppressed
        if confession.recipient_id is None or undelivered:
            raise ValidationError("Nobody has received this confession yet.")
        reply = Reply.objects.create(
            confession=confession,
            author=user,
            body=body,
            status=Reply.Status.APPROVED if verdict.action == "pass" else Reply.Status.PENDING,
            moderation_note=verdict.reason[:255],
        )
        if reply.status == Reply.Status.APPROVED:
            _notify_reply(confession, reply)
    return confession, reply


def _notify_reply(confession: Confession, reply: Reply) -> None:
    """Tell the other side of the thread, unless a block or a removal stands between them."""
    from_sender = reply.author_id == confession.sender_id
    other = confession.recipient if from_sender else confession.sender
    reaches_other = (
        not confession.suppressed
        and not account_selectors.is_blocked(sender=reply.author, recipient=other)
        and not (from_sender and confession.removed_by_recipient_at is not None)
    )
    if not reaches_other:
        return
    visible = not from_sender or sender_visible(confession, viewer=other)
    notify(
        user=other,
        type=Notification.Type.CONFESSION_REPLIED,
        data={
            "confession_id": confession.pk,
            "reply_id": reply.pk,
            "from": "sender" if from_sender else "recipient",
            "author": person(reply.author) if visible else None,
        },
    )


@transaction.atomic
def confession_delete(*, user: User, confession_id: int) -> None:
    """The sender retracts it (gone for the recipient too); the recipient removes it from the
    inbox. The row stays for moderators."""
    confession = selectors.confession_get_for_user(user=user, confession_id=confession_id)
    field = "retracted_at" if confession.sender_id == user.pk else "removed_by_recipient_at"
    Confession.objects.filter(pk=confession.pk).update(**{field: timezone.now()})


@transaction.atomic
def confession_block_sender(*, user: User, confession_id: int) -> None:
    """The recipient blocks whoever sent it. An anonymous sender stays unknown: the block is an
    anonymous one (accounts.Block), listed without a name."""
    confession = _as_recipient(user, confession_id)
    if not sender_visible(confession, viewer=user):
        account_services.block_create_anonymous(blocker=user, blocked=confession.sender)
    else:
        account_services.block_create(blocker=user, username=confession.sender.username)
