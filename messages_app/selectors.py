"""Who may see which confession. Every read of confessions goes through here (STYLE.md)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Greatest, Least
from django.http import Http404

from accounts.models import Block, User
from messages_app.models import Confession, ConfessionMedia, Match, Reply


def _with_related(queryset: QuerySet[Confession]) -> QuerySet[Confession]:
    """Everything a rendering needs, in a fixed number of queries whatever the page size."""
    pair_matched = Match.objects.filter(
        user_low=Least(OuterRef("sender_id"), OuterRef("recipient_id")),
        user_high=Greatest(OuterRef("sender_id"), OuterRef("recipient_id")),
    )
    return queryset.select_related("sender__avatar", "recipient__avatar").annotate(
        matched=Exists(pair_matched)
    ).prefetch_related(
        Prefetch("attachments", queryset=ConfessionMedia.objects.select_related("media"))
    )  # fmt: skip


def _visible_to_recipient(user: User) -> Q:
    return Q(
        recipient=user,
        status=Confession.Status.APPROVED,
        delivered_at__isnull=False,
        suppressed=False,
        retracted_at__isnull=True,
        removed_by_recipient_at__isnull=True,
    ) & ~Q(sender__in=Block.objects.filter(blocker=user).values("blocked"))


def confession_inbox(*, user: User) -> QuerySet[Confession]:
    """What `user` received: approved, delivered, not removed, not from someone they block."""
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


def reply_list(*, confession: Confession, viewer: User) -> QuerySet[Reply]:
    """The thread, oldest first: approved replies (and the viewer's own under review),
    without replies from someone `viewer` blocks."""
    blocked = Block.objects.filter(blocker=viewer).values("blocked")
    return (
        confession.replies.filter(Q(status=Reply.Status.APPROVED) | Q(author=viewer))
        .exclude(status=Reply.Status.REJECTED)
        .exclude(author__in=blocked)
        .select_related("author__avatar")
    )


def confession_with_match(*, confession_id: int) -> Confession:
    """A confession with its `matched` annotation, whoever asks (for services)."""
    return _with_related(Confession.objects.filter(pk=confession_id)).get()
