"""Every write of the confessions app: send, deliver, claim, read, reply, retract, block.

Delivery is one function (`deliver`, and `deliver_reply` for replies) whichever door leads to
it: a send that passes moderation, a claimed share link, a moderator's approval. Whether it
reaches the recipient is decided there, at that moment, by the one delivery rule
(`accounts.selectors.can_reach`): a block or a ban that happened while it waited still holds.
It notifies the recipient in the same transaction and decides the mutual match there too, with
both users' rows locked in id order, so two people confessing to each other at the same moment
still match exactly once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import User
from authoring.rates import check_rate, in_the_window
from authoring.sanctions import check_may_write
from authoring.text import clean_text
from core.compiled import CompiledInsert, CompiledQuery
from core.errors import ApplicationError
from media_app import services as media_services
from messages_app import events, selectors, tasks
from messages_app.models import Confession, ConfessionMedia, InboxLink, Match, Reply
from moderation import checkers
from moderation.images import IMAGE_HOLD, holds
from realtime.services import notify

# How far ahead a delivery may be scheduled.
DELIVER_AT_SOONEST = timedelta(minutes=1)
DELIVER_AT_LATEST = timedelta(days=366)


def checked_deliver_at(deliver_at: datetime) -> datetime:
    """A time to deliver at: with its offset, from 1 minute to 366 days ahead."""
    if timezone.is_naive(deliver_at):
        raise ValidationError({"deliver_at": [gettext("Give the time with its UTC offset.")]})
    now = timezone.now()
    if deliver_at < now + DELIVER_AT_SOONEST:
        raise ValidationError({"deliver_at": [gettext("Choose a time at least 1 minute ahead.")]})
    if deliver_at > now + DELIVER_AT_LATEST:
        raise ValidationError({"deliver_at": [gettext("Choose a time at most 366 days ahead.")]})
    return deliver_at


def is_due(confession: Confession, now: datetime | None = None) -> bool:
    """Whether its time has come (one without a time is due at once)."""
    return confession.deliver_at is None or confession.deliver_at <= (now or timezone.now())


def _schedule_delivery(confession: Confession) -> None:
    """At its time, a task delivers an addressed confession (in the caller's transaction: it
    exists if the change does). A share link needs none: it opens at the time."""
    if confession.recipient_id is not None:
        tasks.confession_deliver.using(run_after=confession.deliver_at).enqueue(confession.pk)


_insert_confession = CompiledInsert(Confession)

_CONFESSIONS_PER_HOUR = gettext_lazy("At most %(limit)d confessions an hour.")
_REPLIES_PER_HOUR = gettext_lazy("At most %(limit)d replies an hour.")

_recent_confessions = CompiledQuery(
    in_the_window(Confession, "sender_id"), author=int, since=datetime
)
_recent_replies = CompiledQuery(in_the_window(Reply, "author_id"), author=int, since=datetime)


def addressee(confession: Confession) -> User:
    """The recipient of a confession that has one (addressed, or its link claimed): where the
    code runs only for those, a confession without one is a bug, not a case."""
    if confession.recipient is None:
        raise ValueError(f"confession {confession.pk} has no recipient yet")
    return confession.recipient


def _live_confessions(*, sender_id: int, recipient_id: int) -> QuerySet[Confession]:
    """Confessions from one to the other that count: delivered, approved, not retracted."""
    return Confession.objects.filter(
        sender_id=sender_id,
        recipient_id=recipient_id,
        status=Confession.Status.APPROVED,
        delivered_at__isnull=False,
        suppressed=False,
        retracted_at__isnull=True,
    )


def _pair(
    sender: int, recipient: int, low: int, high: int, **more: Any
) -> QuerySet[User, dict[str, Any]]:
    """The sender's row: whether the two have matched, whether the recipient has a live
    confession to the sender, and `more`."""
    pair = User.objects.filter(pk=sender).annotate(
        matched=Exists(Match.objects.filter(user_low_id=low, user_high_id=high)),
        counterpart=Exists(_live_confessions(sender_id=recipient, recipient_id=sender)),
    )
    fields: list[str] = ["id", "matched", "counterpart", *more]
    return pair.annotate(**more).values(*fields)


_pair_state = CompiledQuery(_pair, sender=int, recipient=int, low=int, high=int)


def _holding_places(sender: int, since: datetime) -> QuerySet[Confession]:
    """The sender's anonymous confessions that hold a place (`_check_anonymous_places`)."""
    return (
        Confession.objects.filter(sender_id=sender, anonymous=True)
        .exclude(status=Confession.Status.REJECTED)
        .filter(Q(retracted_at__isnull=True) | Q(retracted_at__gt=since))
    )


# For an anonymous send, the same with the places it holds: how many are taken, and whether
# one is this recipient's already (enough to let it through; a refusal reads them in full).
_pair_state_and_places = CompiledQuery(
    lambda sender, recipient, low, high, since: _pair(
        sender,
        recipient,
        low,
        high,
        places_taken=Coalesce(
            Subquery(
                _holding_places(sender, since)
                .order_by()
                .values("sender_id")
                .annotate(
                    taken=Count("recipient_id", distinct=True)
                    + Count("id", filter=Q(recipient_id__isnull=True, retracted_at__isnull=True))
                )
                .values("taken")
            ),
            0,
        ),
        holds_place=Exists(_holding_places(sender, since).filter(recipient_id=recipient)),
    ),
    sender=int,
    recipient=int,
    low=int,
    high=int,
    since=datetime,
)


@dataclass(frozen=True, slots=True)
class _Delivery:
    """What delivering from `sender` to `recipient` depends on, read with both locked."""

    reaches: bool  # the delivery rule (accounts.selectors.can_reach), asked now
    matched: bool  # the two have matched before
    counterpart: bool  # the recipient has a live confession to the sender
    # An anonymous send: whether it may take (or already holds) an anonymous place.
    has_place: bool = True


def _delivery_between(sender: User, recipient: User, *, anonymous: bool = False) -> _Delivery:
    """Lock the pair (in the delivery rule's own statement) and read what delivery needs;
    for an anonymous send, in the same read, whether it has a place (the pair's lock holds
    the sender's row, what the places are counted under)."""
    reaches = account_selectors.can_reach(author=sender, recipient=recipient, lock=True)
    low, high = sorted((sender.pk, recipient.pk))
    pair = {"sender": sender.pk, "recipient": recipient.pk, "low": low, "high": high}
    if not anonymous:
        state = _pair_state.rows(**pair)[0]
        return _Delivery(reaches, state["matched"], state["counterpart"])
    state = _pair_state_and_places.rows(**pair, since=_places_since(timezone.now()))[0]
    has_place = state["holds_place"] or state["places_taken"] < settings.ANONYMOUS_RECIPIENTS_LIMIT
    return _Delivery(reaches, state["matched"], state["counterpart"], has_place)


def _decide(confession: Confession, delivery: _Delivery, *, claimed: bool) -> bool:
    """Mark it delivered now, or `suppressed` if it may not reach its recipient (its sender
    sees an ordinary send and nobody is told). Saving is the caller's. A claimed share link
    was taken by its recipient, who decided to open it (`confession_claim` applies what a
    block means there), so the rule's blocks do not stop it."""
    if not claimed and not delivery.reaches:
        confession.suppressed = True
        return False
    confession.delivered_at = timezone.now()
    return True


def _announce(confession: Confession, delivery: _Delivery, *, has_media: bool) -> None:
    """After a delivery: the match if the two have now confessed to each other, and the
    notifications."""
    sender, recipient = confession.sender, addressee(confession)
    # Never a match across a block, in either direction (a claim may deliver across one): it
    # would tell someone who blocked an anonymous sender who it was.
    newly_matched = not delivery.matched and delivery.reaches and delivery.counterpart
    if newly_matched:
        low, high = sorted((sender.pk, recipient.pk))
        Match.objects.create(user_low_id=low, user_high_id=high)
    visible = selectors.sender_visible(
        viewer_id=recipient.pk,
        sender_id=sender.pk,
        anonymous=confession.anonymous,
        matched=delivery.matched or newly_matched,
    )
    # Both rows are locked when the rule let it through (a claim across a block may not have
    # locked a row whose account was banned meanwhile: notify then locks it itself).
    locked = delivery.reaches
    notify(
        user=recipient,
        locked=locked,
        preview=confession.body,
        **events.confession_received(
            confession_id=confession.pk,
            anonymous=confession.anonymous,
            sender=sender,
            sender_visible=visible,
            has_media=has_media,
        ),
    )
    if newly_matched:
        received_by_sender = (
            _live_confessions(sender_id=recipient.pk, recipient_id=sender.pk)
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)
            .first()
        )
        told = [(recipient, sender, confession.pk)]
        if received_by_sender is not None:  # it is: `delivery.counterpart`, read under the locks
            told.insert(0, (sender, recipient, received_by_sender))
        for user, other, confession_id in told:
            notify(
                user=user,
                locked=locked,
                **events.confession_matched(
                    confession_id=confession_id,
                    other=other,
                ),
            )


def deliver(confession: Confession, *, claimed: bool = False) -> None:
    """Deliver a stored, approved, addressed confession, inside the caller's transaction (a
    moderator's approval, a claimed share link; a fresh send does the same before its row is
    written). The delivery rule is asked now, with the pair locked."""
    delivery = _delivery_between(confession.sender, addressee(confession))
    if not _decide(confession, delivery, claimed=claimed):
        confession.save(update_fields=["suppressed"])
        return
    confession.save(update_fields=["delivered_at"])
    _announce(confession, delivery, has_media=confession.attachments.exists())


def confession_send(
    *,
    sender: User,
    body: str,
    anonymous: bool = False,
    recipient_username: str | None = None,
    recipient_read: User | None = None,
    media_ids: list[int] | tuple[int, ...] = (),
    deliver_at: datetime | None = None,
    via_link: InboxLink | None = None,
) -> Confession:
    """Send a confession to a user, or (without a recipient) make one to share by link.

    Refuses with `ValidationError` (400): an empty, over-long or NUL-carrying body, an unknown
    recipient, oneself, an anonymous confession to someone who refuses those, media that is not
    the sender's or already attached. 429 past CONFESSIONS_PER_HOUR; 400 `content_rejected` if
    moderation blocks it. Approved and addressed, it is delivered at once (see `deliver`):
    to a recipient who blocks the sender it is stored and looks sent, but reaches nobody.
    With `deliver_at` (1 minute to 366 days ahead), it waits until then (`_schedule_delivery`);
    it counts toward the hourly limit now. `recipient_read`: the active account of
    `recipient_username`, where the caller read it already (with the sender's, in one
    statement); else it is read here.
    """
    check_may_write(sender)
    account_services.require_phone_to_post(sender)
    body = clean_text(body)
    if deliver_at is not None:
        deliver_at = checked_deliver_at(deliver_at)
    recipient = None
    if recipient_username is not None:
        recipient = recipient_read or account_selectors.active_user_named(
            username=recipient_username
        )
        if recipient is None:
            raise ValidationError({"recipient": [gettext("No user with that username.")]})
        if recipient.pk == sender.pk:
            raise ValidationError({"recipient": [gettext("You cannot confess to yourself.")]})
        # An inbox link is its owner's yes to anonymous messages through it.
        if anonymous and not recipient.accepts_anonymous and via_link is None:
            raise ValidationError(
                {"anonymous": [gettext("This user does not accept anonymous confessions.")]}
            )
    media = media_services.media_for_attachment(owner=sender, media_ids=list(media_ids))
    check_rate(
        _recent_confessions,
        author_id=sender.pk,
        limit=settings.CONFESSIONS_PER_HOUR,
        message=_CONFESSIONS_PER_HOUR,
    )
    verdict = checkers.check_or_refuse(body, author=sender, done="sent")
    approved, note = verdict.kind == "pass", verdict.reason
    if approved and holds(media):
        # Held like a review until WeChat's image check decides (moderation.images).
        approved, note = False, IMAGE_HOLD
    with transaction.atomic():
        confession = Confession(
            sender=sender,
            recipient=recipient,
            body=body,
            anonymous=anonymous,
            share_token=None if recipient else secrets.token_urlsafe(24),
            status=Confession.Status.APPROVED if approved else Confession.Status.PENDING,
            moderation_note=note[:255],
            deliver_at=deliver_at,
            via_link=via_link,
        )
        # Approved, addressed and due: delivered (or suppressed) as it is written, by
        # `deliver`'s steps, so its row is written once.
        delivery = None
        if approved and recipient is not None and deliver_at is None:
            delivery = _delivery_between(sender, recipient, anonymous=anonymous)
            if not delivery.has_place:
                # Read in full to say why (under the same lock: all but an account banned a
                # moment ago, whose sends reach nobody).
                _check_anonymous_places(sender, recipient, sender_locked=True)
            if not _decide(confession, delivery, claimed=False):
                delivery = None
        elif anonymous:
            _check_anonymous_places(sender, recipient, sender_locked=False)
        _insert_confession.insert(confession)
        media_services.media_attach(media=media)
        ConfessionMedia.objects.bulk_create(
            ConfessionMedia(confession=confession, media=item, position=index)
            for index, item in enumerate(media)
        )
        if delivery is not None:
            _announce(confession, delivery, has_media=bool(media))
        if deliver_at is not None:
            _schedule_delivery(confession)
    return confession


def _check_anonymous_places(sender: User, recipient: User | None, *, sender_locked: bool) -> None:
    """Against probing: someone who confesses anonymously to many people learns who likes them
    back from the matches. So anonymous confessions may be open to at most
    ANONYMOUS_RECIPIENTS_LIMIT people at once (more to the same person take no new place). A
    place is held by an addressed anonymous confession (a claimed link included) that is not
    rejected, and, once retracted, for ANONYMOUS_SLOT_COOLDOWN_DAYS after; and by each
    anonymous share link not yet claimed nor retracted (`recipient` None: a new link), which
    may reach anyone. 429 `anonymous_limit` says how many and when a place frees. Runs in the
    send's transaction, with the sender's account row locked (so two sends at once cannot both
    take the last place): by the delivery's lock of the pair (`sender_locked`), else here, on
    that row alone (the only row lock such a send takes: no lock cycle with a pair's)."""
    if not sender_locked:
        account_selectors.lock_account(user_id=sender.pk)
    now = timezone.now()
    cooldown = timedelta(days=settings.ANONYMOUS_SLOT_COOLDOWN_DAYS)
    holding = _anonymous_places.rows(sender=sender.pk, since=_places_since(now))
    places = {row["recipient_id"]: row for row in holding if row["recipient_id"] is not None}
    links = sum(row["open"] for row in holding if row["recipient_id"] is None)
    limit = settings.ANONYMOUS_RECIPIENTS_LIMIT
    if recipient is not None and recipient.pk in places or len(places) + links < limit:
        return
    freeing = [row["last_retracted"] + cooldown for row in places.values() if not row["open"]]
    message = gettext(
        "Your anonymous confessions are open to %(open)d people, the most at once "
        "(%(limit)d), so that nobody can confess to many to learn who confesses back."
    ) % {"open": len(places) + links, "limit": limit}
    if links:
        message += " " + gettext("Each anonymous share link not yet claimed counts as one person.")
    headers = {}
    if freeing:
        frees_at = min(freeing)
        message += " " + gettext("A place frees at %(time)s.") % {
            "time": frees_at.isoformat(timespec="minutes")
        }
        headers["Retry-After"] = str(max(int((frees_at - now).total_seconds()), 1))
    else:
        message += " " + gettext(
            "Retracting one frees its place %(days)d days later; or send this one signed."
        ) % {"days": settings.ANONYMOUS_SLOT_COOLDOWN_DAYS}
    raise ApplicationError("anonymous_limit", message, status=429, headers=headers)


def _places_since(now: datetime) -> datetime:
    """A retracted anonymous confession holds its place until this long after."""
    return now - timedelta(days=settings.ANONYMOUS_SLOT_COOLDOWN_DAYS)


# Per recipient (None: the unclaimed links, whose retracted ones reached nobody and hold no
# place: only `open` is read of that group).
_anonymous_places = CompiledQuery(
    lambda sender, since: (
        _holding_places(sender, since)
        .values("recipient_id")
        .annotate(
            open=Count("id", filter=Q(retracted_at__isnull=True)),
            last_retracted=Max("retracted_at"),
        )
        .order_by()
    ),
    sender=int,
    since=datetime,
)


def confession_deliver_scheduled(*, confession_id: int) -> bool:
    """The worker's door to `deliver`, at a scheduled confession's time: the delivery rule as
    it stands now (a block or ban since the send holds). Nothing for one retracted, already
    delivered, held for review (its approval delivers it), moved to a later time (that time's
    task will come), or gone with its recipient's account. Safe to run twice."""
    with transaction.atomic():
        confession = (
            Confession.objects.select_for_update(of=("self",))
            .select_related("sender", "recipient")
            .filter(pk=confession_id)
            .first()
        )
        if confession is None or not _waiting(confession) or not is_due(confession):
            return False
        deliver(confession)
    return True


def _waiting(confession: Confession) -> bool:
    """Addressed, approved, neither delivered nor suppressed, not retracted."""
    return (
        confession.recipient_id is not None
        and confession.status == Confession.Status.APPROVED
        and confession.delivered_at is None
        and not confession.suppressed
        and confession.retracted_at is None
    )


def confession_reschedule(*, user: User, confession_id: int, deliver_at: datetime) -> Confession:
    """Its sender moves a scheduled confession's time, until it goes out (409 after)."""
    deliver_at = checked_deliver_at(deliver_at)
    with transaction.atomic():
        confession = selectors.confession_get_for_user(user=user, confession_id=confession_id)
        if confession.sender_id != user.pk:
            raise PermissionDenied
        confession = Confession.objects.select_for_update(of=("self",)).get(pk=confession.pk)
        if not is_scheduled(confession):
            message = gettext("Only a confession still waiting for its time can be moved.")
            raise ApplicationError("not_scheduled", message, status=409)
        confession.deliver_at = deliver_at
        confession.save(update_fields=["deliver_at"])
        # The task for the old time finds it not due (or, moved earlier, delivered) and stops.
        _schedule_delivery(confession)
    return confession


def is_scheduled(confession: Confession, now: datetime | None = None) -> bool:
    """Still waiting for its time: the sender sees it `scheduled` and may move it."""
    return (
        confession.deliver_at is not None
        and confession.deliver_at > (now or timezone.now())
        and confession.delivered_at is None
        and not confession.suppressed
    )


def confession_claim(*, user: User, token: str) -> Confession:
    """The first signed-in user other than the sender to claim a share link becomes its
    recipient, and it is delivered to them (its sender is told: `confession.claimed`). The
    token works once: later claims by others are 410 `already_claimed` (the winner claiming
    again just gets it back), and a retracted link's are 410 `retracted`.

    Blocks act only where the claimer can see whom they concern: a link whose sender they can
    see and block by name stays closed (404); any other link opens whatever blocks stand, as it
    would for anyone, so a claim never tells whom an anonymous link is from. A banned sender's
    link is closed for everyone."""
    with transaction.atomic():
        confession = (
            Confession.objects.select_for_update()
            .filter(selectors.shared(token, timezone.now()))
            .select_related("sender")
            .first()
        )
        if confession is None or confession.recipient_id not in (None, user.pk):
            raise selectors.link_refusal(token, viewer_id=user.pk)
        if confession.recipient_id == user.pk:
            return confession
        if confession.sender_id == user.pk:
            raise ValidationError(gettext("You cannot claim your own confession."))
        if not confession.sender.is_active:
            raise Http404
        confession.recipient = user  # saved below, unless the claimer's block closes it
        if selectors.viewing_of(confession, viewer=user).sender_visible and (
            account_selectors.blocks_by_name(blocker_id=user.pk, blocked_id=confession.sender_id)
        ):
            raise Http404
        confession.save(update_fields=["recipient"])
        deliver(confession, claimed=True)
        # Its sender sees who claimed it in `sent` from now on: told as it happens.
        notify(
            user=confession.sender,
            preview=confession.body,
            **events.confession_claimed(confession_id=confession.pk, by=user),
        )
    return confession


def _as_recipient(user: User, confession_id: int) -> Confession:
    confession = selectors.confession_get_for_user(user=user, confession_id=confession_id)
    if confession.recipient_id != user.pk:
        raise PermissionDenied
    return confession


def confession_mark_read(*, user: User, confession_id: int) -> Confession:
    """Either side marks the confession and its thread read up to now (it stops being
    `unread` in their list); the recipient's first read tells the sender. Idempotent."""
    with transaction.atomic():
        confession = selectors.confession_get_for_user(user=user, confession_id=confession_id)
        now = timezone.now()
        if confession.sender_id == user.pk:
            Confession.objects.filter(pk=confession.pk).update(sender_seen_at=now)
            return confession
        Confession.objects.filter(pk=confession.pk).update(recipient_seen_at=now)
        if Confession.objects.filter(pk=confession.pk, read_at=None).update(read_at=now):
            confession.read_at = now
            if account_selectors.can_reach(author=user, recipient=confession.sender):
                notify(
                    user=confession.sender,
                    preview=confession.body,
                    **events.confession_read(confession_id=confession.pk),
                )
    return confession


def reply_create(*, user: User, confession_id: int, body: str) -> tuple[Confession, Reply]:
    """Either party adds to the thread; the other is told (an anonymous sender stays anonymous
    until a match). Replies pass the checker chain like confessions: one held for review is
    seen by its author only, until a moderator releases it. Delivery is `deliver_reply`'s."""
    check_may_write(user)
    account_services.require_phone_to_post(user)
    body = clean_text(body)
    check_rate(
        _recent_replies,
        author_id=user.pk,
        limit=settings.REPLIES_PER_HOUR,
        message=_REPLIES_PER_HOUR,
    )
    verdict = checkers.check_or_refuse(body, author=user, done="sent")
    with transaction.atomic():
        confession = selectors.confession_get_for_user(user=user, confession_id=confession_id)
        # A suppressed one looks delivered to its sender, so its thread takes replies too
        # (which reach nobody); one still unclaimed or under review has no thread yet.
        undelivered = confession.delivered_at is None and not confession.suppressed
        if confession.recipient_id is None or undelivered:
            raise ValidationError(gettext("Nobody has received this confession yet."))
        reply = Reply.objects.create(
            confession=confession,
            author=user,
            body=body,
            status=Reply.Status.APPROVED if verdict.kind == "pass" else Reply.Status.PENDING,
            moderation_note=verdict.reason[:255],
        )
        # Whoever replies has seen the thread up to their reply.
        seen = "sender_seen_at" if user.pk == confession.sender_id else "recipient_seen_at"
        Confession.objects.filter(pk=confession.pk).update(**{seen: reply.created_at})
        if reply.status == Reply.Status.APPROVED:
            deliver_reply(confession, reply)
    return confession, reply


def deliver_reply(confession: Confession, reply: Reply) -> None:
    """Deliver an approved reply to the other side of the thread, deciding now, by the same
    rule as confessions, whether it may reach them: not into a thread they never got or
    removed, not across a block either way, not from or to a banned account. One that may
    not is marked `suppressed`: its author sees it sent, nobody else sees it."""
    from_sender = reply.author_id == confession.sender_id
    other = addressee(confession) if from_sender else confession.sender
    reaches = (
        not confession.suppressed
        and not (from_sender and confession.removed_by_recipient_at is not None)
        and account_selectors.can_reach(author=reply.author, recipient=other)
    )
    if not reaches:
        reply.suppressed = True
        reply.save(update_fields=["suppressed"])
        return
    author_visible = (
        not from_sender or selectors.viewing_of(confession, viewer=other).sender_visible
    )
    notify(
        user=other,
        preview=reply.body,
        **events.confession_replied(
            confession_id=confession.pk,
            reply_id=reply.pk,
            from_sender=from_sender,
            author=reply.author,
            author_visible=author_visible,
        ),
    )


@transaction.atomic
def confession_delete(*, user: User, confession_id: int) -> None:
    """The sender retracts it (gone for the recipient too); the recipient removes it from the
    inbox. The row stays for moderators."""
    confession = selectors.confession_get_for_user(user=user, confession_id=confession_id)
    if confession.sender_id != user.pk:
        Confession.objects.filter(pk=confession.pk).update(removed_by_recipient_at=timezone.now())
        return
    # An open inbox drops it when told; a recipient who never saw it is told nothing.
    seen_by_recipient = selectors.visible_to_recipient(
        confession_id=confession.pk, recipient_id=confession.recipient_id
    )
    Confession.objects.filter(pk=confession.pk).update(retracted_at=timezone.now())
    if seen_by_recipient:
        notify(
            user=addressee(confession), **events.confession_retracted(confession_id=confession.pk)
        )


@transaction.atomic
def confession_block_sender(*, user: User, confession_id: int) -> None:
    """The recipient blocks whoever sent it. A sender they can see gets a named block. An
    anonymous sender stays unknown: the block is an anonymous one (accounts.Block), made for
    this confession alone, which it hides; blocking from it again changes nothing."""
    if Confession.objects.filter(
        pk=confession_id, recipient=user, sender_block__isnull=False
    ).exists():
        return
    confession = _as_recipient(user, confession_id)
    if selectors.viewing_of(confession, viewer=user).sender_visible:
        account_services.block_create(blocker=user, username=confession.sender.username)
        return
    block = account_services.block_create_anonymous(blocker=user, blocked=confession.sender)
    Confession.objects.filter(pk=confession.pk).update(sender_block=block)
