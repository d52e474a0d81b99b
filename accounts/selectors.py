"""Reads of the accounts app that carry a rule."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Block, User


def is_blocked(*, sender: User, recipient: User) -> bool:
    """Whether `recipient` blocks `sender`, by name or anonymously. Confessions and replies
    from a blocked sender must never reach the recipient."""
    return Block.objects.filter(blocker=recipient, blocked=sender).exists()


def block_list(*, user: User) -> QuerySet[Block]:
    return Block.objects.filter(blocker=user).select_related("blocked")


def user_get_public(*, username: str) -> User:
    """An active user by username (any case), else 404."""
    active = User.objects.filter(username__iexact=username, is_active=True)
    user = active.select_related("avatar").first()
    if user is None:
        raise Http404
    return user
