"""Reads of the accounts app that carry a rule."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Block, User


def can_reach(*, author: User, recipient: User) -> bool:
    """The delivery rule: whether something `author` wrote may reach `recipient` now.

    Asked at the moment of delivery by every door that delivers (a confession sent, approved
    or due; a reply written or approved; a wall's comment), never remembered from earlier: a
    block or a ban that lands while something waits for review still holds. Nothing reaches
    anyone when either account is inactive (banned) or gone, or when either of the two blocks
    the other, by name or anonymously. A refusal is silent: the author's copy looks delivered.
    """
    if author.pk == recipient.pk:
        return True
    active = User.objects.filter(pk__in=(author.pk, recipient.pk), is_active=True).count()
    if active != 2:
        return False
    return not Block.objects.filter(
        Q(blocker=recipient, blocked=author) | Q(blocker=author, blocked=recipient)
    ).exists()


def named_blocks(*, blocker_id: int) -> QuerySet[Block]:
    """The ids `blocker` blocks by name: the blocks that may hide what was already delivered,
    because the blocker knows whom they concern. (An anonymous block hides only the one
    confession it was made from; see the confessions app.)"""
    return Block.objects.filter(blocker_id=blocker_id, anonymous=False).values("blocked_id")


def blocks_by_name(*, blocker_id: int, blocked_id: int) -> bool:
    return named_blocks(blocker_id=blocker_id).filter(blocked_id=blocked_id).exists()


def block_list(*, user: User) -> QuerySet[Block]:
    return Block.objects.filter(blocker=user).select_related("blocked")


def user_get_public(*, username: str) -> User:
    """An active user by username (any case), else 404."""
    active = User.objects.filter(username__iexact=username, is_active=True)
    user = active.select_related("avatar").first()
    if user is None:
        raise Http404
    return user
