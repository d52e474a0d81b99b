"""Secret crushes, as Facebook's Secret Crush keeps them: a private list of at most CRUSHES_MAX
people. The target is told only that someone has a crush on them (`crush.received`, no one
named; CRUSH_TELL_TARGET=0 turns it off); when two people list each other, both are told who
(`crush.matched`). The list is its owner's alone.

Against probing (list someone, see whether it matches, remove, try the next): a removed crush
keeps its place for CRUSH_COOLDOWN_DAYS. Blocks and bans are silent, as for confessions: a
crush on someone who blocks you (or whom you block, or who is banned) is listed as any other
and never tells them or matches, so adding one says nothing about them.

A mutual crush names the two to each other; it does not make them a confessions `Match`
(anonymous confessions between them stay anonymous).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts import selectors as account_selectors
from accounts.models import User
from authoring.rates import check_rate, in_the_window
from core.compiled import CompiledQuery
from core.errors import ApplicationError
from messages_app import events
from messages_app.models import Crush
from realtime.services import notify

CRUSHES_PER_HOUR = 30
_CRUSHES_PER_HOUR = gettext_lazy("At most %(limit)d crushes an hour.")
_recent_crushes = CompiledQuery(in_the_window(Crush, "owner_id"), author=int, since=datetime)


def _holding_places(owner_id: int, now: datetime) -> QuerySet[Crush]:
    """The crushes that take a place on the list: listed, or removed within the cool-down."""
    since = now - timedelta(days=settings.CRUSH_COOLDOWN_DAYS)
    return Crush.objects.filter(
        Q(removed_at__isnull=True) | Q(removed_at__gt=since), owner_id=owner_id
    )


def _frees_at(removed_at: datetime) -> datetime:
    """When the place of a crush removed at `removed_at` is free again."""
    return removed_at + timedelta(days=settings.CRUSH_COOLDOWN_DAYS)


def crushes_of(*, user: User) -> dict[str, Any]:
    """The user's list: who is on it (and whether it is mutual), the removed ones still
    holding a place (and when each frees it), and how many places are free."""
    now = timezone.now()
    holding = list(
        _holding_places(user.pk, now).select_related("target__avatar").order_by("-created_at")
    )
    return {
        "listed": [crush for crush in holding if crush.removed_at is None],
        "cooling": [(crush, _frees_at(crush.removed_at)) for crush in holding if crush.removed_at],
        "free": max(settings.CRUSHES_MAX - len(holding), 0),
    }


def crush_add(*, user: User, username: str) -> Crush:
    target = account_selectors.active_user_named(username=username)
    if target is None:
        raise ValidationError({"username": [gettext("No user with that username.")]})
    if target.pk == user.pk:
        raise ValidationError({"username": [gettext("You cannot have a crush on yourself.")]})
    check_rate(
        _recent_crushes, author_id=user.pk, limit=CRUSHES_PER_HOUR, message=_CRUSHES_PER_HOUR
    )
    now = timezone.now()
    with transaction.atomic():
        # Both rows locked, in id order: two people listing each other at once match once.
        reachable = account_selectors.can_reach(author=user, recipient=target, lock=True)
        crush = Crush.objects.filter(owner=user, target=target).first()
        if crush is not None and crush.removed_at is None:
            raise ApplicationError(
                "already_listed", gettext("They are on your list already."), status=409
            )
        holding = _holding_places(user.pk, now)
        if crush is None and holding.count() >= settings.CRUSHES_MAX:
            raise _list_full(holding, now)
        if crush is None:
            crush = Crush.objects.create(owner=user, target=target)
        else:  # removed, and listed again: it held its place meanwhile
            crush.removed_at, crush.matched_at = None, None
            crush.created_at = now
            crush.save(update_fields=["removed_at", "matched_at", "created_at"])
        if not reachable:
            return crush
        theirs = Crush.objects.filter(owner=target, target=user, removed_at__isnull=True).first()
        if theirs is not None:
            Crush.objects.filter(pk__in=[crush.pk, theirs.pk]).update(matched_at=now)
            crush.matched_at = now
            notify(user=user, locked=True, **events.crush_matched(other=target))
            notify(user=target, locked=True, **events.crush_matched(other=user))
        elif settings.CRUSH_TELL_TARGET:
            notify(user=target, locked=True, **events.crush_received())
    return crush


def _list_full(holding: QuerySet[Crush], now: datetime) -> ApplicationError:
    removed = holding.filter(removed_at__isnull=False).order_by("removed_at").first()
    frees_at = _frees_at(removed.removed_at) if removed and removed.removed_at else None
    message = gettext("Your list is full (%(count)d).") % {"count": settings.CRUSHES_MAX}
    headers: dict[str, str] = {}
    details: dict[str, str] = {}
    if frees_at is not None:
        message += " " + gettext("A place frees when a removed crush's cool-down ends.")
        headers["Retry-After"] = str(max(int((frees_at - now).total_seconds()), 1))
        details["frees_at"] = frees_at.isoformat()
    return ApplicationError("crushes_full", message, status=409, headers=headers, details=details)


def crush_remove(*, user: User, username: str) -> None:
    """Take someone off the list (idempotent); their place stays taken for the cool-down."""
    target = account_selectors.active_user_named(username=username)
    if target is None:
        return
    Crush.objects.filter(owner=user, target=target, removed_at__isnull=True).update(
        removed_at=timezone.now()
    )
