"""Who may see which confession, and whom they may see behind it. Every read of confessions
goes through here (STYLE.md), and every decision about anonymity is made here and handed on
explicitly: renderers and event builders receive a `Viewing` (or a `sender_visible` bool) and
never work it out themselves.

The anonymity rule (`sender_visible`): a viewer sees who sent a confession when they sent it,
when it is not anonymous, or when its two people have matched.

What blocks do to what was already delivered (future deliveries are `accounts.selectors.
can_reach`'s, decided at the moment of delivery): a block acts only where its blocker can see
whom it concerns. A named block hides the blocked person's confessions whose sender the
blocker can see (named, or matched) and their replies in threads where the blocker can see
them. It never changes whether the blocker sees a confession whose sender they cannot see:
otherwise blocking candidates one by one would show which one sent it. An anonymous block
(made from an anonymous confession) hides exactly that one confession and its thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Greatest, Least
from django.http import Http404

from accounts import selectors as account_selectors
from accounts.models import User
from messages_app.models import Confession, ConfessionMedia, Match, Reply


def sender_visible(*, viewer_id: int, sender_id: int, anonymous: bool, matched: bool) -> bool:
    """The anonymity rule, the only statement of it (its query form is
    `_sender_visible_to_recipient`, next to it)."""
    return viewer_id == sender_id or not anonymous or matched


def _pair_matched() -> Exists:
    return Exists(
        Match.objects.filter(
            user_low=Least(OuterRef("sender_id"), OuterRef("recipient_id")),
            user_high=Greatest(OuterRef("sender_id"), OuterRef("recipient_id")),
        )
    )


def _sender_visible_to_recipient() -> Q:
    """`sender_visible` as a query condition, for a viewer who is the recipient."""
    return Q(anonymous=False) | Q(_pair_matched())


@dataclass(frozen=True, slots=True)
class Viewing:
    """What one viewer may know of one confession."""

    viewer_id: int
    role: str  # "sender", "recipient" or "viewer" (of an unclaimed share link)
    matched: bool
    sender_visible: bool


def matched_partners(*, user_id: int) -> set[int]:
    """The ids of everyone `user_id` has matched with (one query)."""
    pairs = Match.objects.filter(Q(user_low_id=user_id) | Q(user_high_id=user_id))
    return {
        high if low == user_id else low
        for low, high in pairs.values_list("user_low_id", "user_high_id")
    }


def _viewing(confession: Confession, viewer_id: int, partners: set[int]) -> Viewing:
    if viewer_id == confession.sender_id:
        role, other = "sender", confession.recipient_id
    elif viewer_id == confession.recipient_id:
        role, other = "recipient", confession.sender_id
    else:
        role, other = "viewer", None  # an unclaimed share link: no pair to have matched
    matched = other is not None and other in partners
    visible = sender_visible(viewer_id=viewer_id, sender_id=confession.sender_id,
                             anonymous=confession.anonymous, matched=matched)  # fmt: skip
    return Viewing(viewer_id=viewer_id, role=role, matched=matched, sender_visible=visible)


def viewings(
    confessions: Iterable[Confession], *, viewer: User
) -> list[tuple[Confession, Viewing]]:
    """Each confession with what `viewer` may know of it, in one query for the lot."""
    partners = matched_partners(user_id=viewer.pk)
    return [(confession, _viewing(confession, viewer.pk, partners)) for confession in confessions]


def viewing_of(confession: Confession, *, viewer: User) -> Viewing:
    return viewings([confession], viewer=viewer)[0][1]


def _with_related(queryset: QuerySet[Confession]) -> QuerySet[Confession]:
    """Everything a rendering needs, in a fixed number of queries whatever the page size."""
    return queryset.select_related("sender__avatar", "recipient__avatar").prefetch_related(
        Prefetch("attachments", queryset=ConfessionMedia.objects.select_related("media"))
    )


def _visible_to_recipient(user: User) -> Q:
    delivered = Q(
        recipient=user,
        status=Confession.Status.APPROVED,
        delivered_at__isnull=False,
        suppressed=False,
        retracted_at__isnull=True,
        removed_by_recipient_at__isnull=True,
        sender_block__isnull=True,  # the one confession an anonymous block was made from
    )
    named_block = Q(sender__in=account_selectors.named_blocks(blocker_id=user.pk))
    return delivered & ~(named_block & _sender_visible_to_recipient())


def confession_inbox(*, user: User) -> QuerySet[Confession]:
    """What `user` received: approved, delivered, not removed, not hidden by a block."""
    return _with_related(Confession.objects.filter(_visible_to_recipient(user)))


def confession_sent(*, user: User) -> QuerySet[Confession]:
    """Everything `user` sent and has not retracted, whatever its status."""
    return _with_related(Confession.objects.filter(sender=user, retracted_at__isnull=True))


def confession_get_for_user(*, user: User, confession_id: int) -> Confession:
    """The confession if `user` is its sender (not retracted) or may see it as its recipient;
    anyone else gets 404, exactly as for an id that does not exist."""
    mine = Q(sender=user, retracted_at__isnull=True) | _visible_to_recipient(user)
    confession = _with_related(Confession.objects.filter(mine, pk=confession_id)).first()
    if confession is None:
        raise Http404
    return confession


def confession_get_shared(*, user: User, token: str) -> Confession:
    """A confession by its share token: while unclaimed, for any signed-in user; after the
    claim, only for its two parties. Never one under review, rejected, hidden or retracted."""
    confession = _with_related(
        Confession.objects.filter(
            share_token=token, status=Confession.Status.APPROVED, retracted_at__isnull=True
        )
    ).first()
    if confession is None:
        raise Http404
    if confession.recipient_id not in (None, user.pk) and confession.sender_id != user.pk:
        raise Http404
    return confession


def pair_matched(*, first_id: int, second_id: int) -> bool:
    low, high = sorted((first_id, second_id))
    return Match.objects.filter(user_low_id=low, user_high_id=high).exists()


def reply_list(*, confession: Confession, viewing: Viewing) -> QuerySet[Reply]:
    """The thread as `viewing.viewer_id` sees it, oldest first: approved replies that reached
    them, and their own (pending included). A named block hides the blocked person's replies
    only where the viewer can see who wrote them (see the module's docstring)."""
    viewer_id = viewing.viewer_id
    replies = confession.replies.filter(
        Q(status=Reply.Status.APPROVED, suppressed=False) | Q(author_id=viewer_id)
    ).exclude(status=Reply.Status.REJECTED)
    if viewer_id == confession.sender_id:
        other_id, other_visible = confession.recipient_id, True
    else:
        other_id, other_visible = confession.sender_id, viewing.sender_visible
    if (
        other_id
        and other_visible
        and account_selectors.blocks_by_name(blocker_id=viewer_id, blocked_id=other_id)
    ):
        replies = replies.exclude(author_id=other_id)
    return replies.select_related("author__avatar")
