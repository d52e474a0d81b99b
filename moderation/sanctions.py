"""Graduated sanctions: a warning, a mute or a ban, for a time or for good. Every one is
recorded (moderation.models.Sanction), told to the user with its reason category and end, and
a timed one ends by itself. A mute is kept on the user too (`muted_until`, read by
authoring.sanctions on every write); a ban is accounts' (the account deactivated, its
sessions closed), lifted again when a timed one ends."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from accounts import services as account_services
from accounts.models import User
from core.errors import ApplicationError
from core.moderated import Moderated
from moderation import events
from moderation.models import Decision, ReasonCategory, Sanction
from moderation.services import decision_record
from realtime.services import notify

Kind = Sanction.Kind


@transaction.atomic
def sanction_impose(
    *,
    moderator: User | None,
    user: User,
    kind: str,
    reason: str,
    duration: timedelta | None = None,
    note: str = "",
) -> Sanction:
    """Impose `kind` on `user` for `duration` (None: a warning, or for good). A new mute or
    ban replaces one in force of its kind."""
    if kind not in Kind.values or reason not in ReasonCategory.values:
        raise ApplicationError("invalid_sanction", gettext("Choose a kind and a reason."))
    if kind == Kind.WARNING and duration is not None:
        raise ApplicationError("invalid_sanction", gettext("A warning has no duration."))
    user = User.objects.select_for_update().get(pk=user.pk)
    until = timezone.now() + duration if duration is not None else None
    if kind != Kind.WARNING:
        _in_force(user, kind).update(ended_at=timezone.now())
    sanction = Sanction.objects.create(
        user=user, kind=kind, reason=reason, until=until, note=note[:500], moderator=moderator
    )
    _log(sanction, moderator, _IMPOSED[kind], "", "active", note=note)
    if kind == Kind.MUTE:
        # For good: as far as a date goes.
        user.muted_until = until or timezone.now().replace(year=9999)
        user.mute_reason = reason
        user.save(update_fields=["muted_until", "mute_reason"])
    notify(user=user, **events.sanctioned(kind=kind, reason=reason, until=until))
    if kind == Kind.BAN and user.is_active:
        # Last: the ban closes the user's sockets after commit, the notification stays stored
        # for when they may sign in again.
        account_services.user_ban(user=user)
    return sanction


@transaction.atomic
def sanction_lift(*, sanction: Sanction, moderator: User | None = None, note: str = "") -> None:
    """End a sanction now (its time came: `moderator` None, or a moderator lifted it, or an
    appeal overturned it)."""
    sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
    if sanction.ended_at is not None:
        return
    sanction.ended_at = timezone.now()
    sanction.save(update_fields=["ended_at"])
    _log(sanction, moderator, Decision.Action.LIFT, "active", "ended", note=note)
    user = User.objects.select_for_update().get(pk=sanction.user_id)
    if _in_force(user, sanction.kind).exists():
        return  # another of its kind still holds
    if sanction.kind == Kind.MUTE:
        user.muted_until, user.mute_reason = None, ""
        user.save(update_fields=["muted_until", "mute_reason"])
    elif sanction.kind == Kind.BAN and not user.is_active:
        account_services.user_unban(user=user)


def sanction_authors(
    *,
    model: type[Moderated],
    target_ids: list[int],
    kind: str,
    moderator: User | None,
    reason: str,
    note: str = "",
) -> int:
    """The sanction `kind` for the authors of these items (each author once, for the
    configured time: SANCTION_MUTE_HOURS, SANCTION_BAN_HOURS; 0 is for good), and how many
    authors: a moderator acts on what someone wrote without learning who wrote it."""
    hours: dict[str, int] = {
        Kind.MUTE: settings.SANCTION_MUTE_HOURS,
        Kind.BAN: settings.SANCTION_BAN_HOURS,
    }
    duration = timedelta(hours=hours[kind]) if hours.get(kind) else None
    field = f"{model.author_field}_id"
    authors = set(model._default_manager.filter(pk__in=target_ids).values_list(field, flat=True))
    for author in User.objects.filter(pk__in=authors):
        sanction_impose(
            moderator=moderator,
            user=author,
            kind=kind,
            reason=reason,
            duration=duration,
            note=note,
        )
    return len(authors)


def sanctions_expire() -> int:
    """End every timed sanction whose time has come; returns how many."""
    due = Sanction.objects.filter(ended_at__isnull=True, until__lte=timezone.now())
    ended = 0
    for sanction in due.order_by("until")[:1000]:
        sanction_lift(sanction=sanction)
        ended += 1
    return ended


def sanctions_of(*, user: User) -> QuerySet[Sanction]:
    """What a user is shown of their sanctions: all of them, newest first."""
    return Sanction.objects.filter(user=user).order_by("-created_at", "-id")


_IMPOSED: dict[str, str] = {
    Kind.WARNING: Decision.Action.WARN,
    Kind.MUTE: Decision.Action.MUTE,
    Kind.BAN: Decision.Action.BAN,
}


def _log(
    sanction: Sanction, moderator: User | None, action: str, before: str, after: str, note: str
) -> None:
    """A line of the audit log, about the sanction (never naming whose: Sanction.__str__)."""
    decision_record(
        target=sanction,  # type: ignore[arg-type]  # the audit log records sanctions too
        moderator=moderator,
        action=action,
        from_status=before,
        to_status=after,
        reason=sanction.reason,
        note=note,
    )


def _in_force(user: User, kind: str) -> QuerySet[Sanction]:
    return Sanction.objects.filter(user=user, kind=kind, ended_at__isnull=True).exclude(
        kind=Kind.WARNING
    )
