"""Notification settings (`/me/notification-settings`): per event type, whether it comes over
the socket and whether it may use a WeChat subscribe message. Either way it is stored and
listed (`GET /notifications`): a setting chooses how a user is told, not what they may read.

- `socket` off: no live push, and the socket's catch-up (`?after=`) leaves it out too.
- `subscribe` off: no subscribe message for it (wechat.receivers asks `allows`).

They live on the user row (`User.notification_settings`, only what was turned off), read with
it: `notify` and the socket decide without a query more."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from accounts.models import User
from realtime import events

WAYS = ("socket", "subscribe")


def allows(user: User, type: str, way: str) -> bool:
    """Whether `user` wants notifications of `type` told that `way` (on unless turned off)."""
    chosen = (user.notification_settings or {}).get(type)
    return not isinstance(chosen, dict) or chosen.get(way, True) is not False


def silenced_on_socket(user: User) -> frozenset[str]:
    """The types the user turned off on the socket."""
    return frozenset(
        type
        for type, chosen in (user.notification_settings or {}).items()
        if isinstance(chosen, dict) and chosen.get("socket") is False
    )


def settings_of(user: User) -> dict[str, dict[str, bool]]:
    """Every event type with each way, on or off."""
    return {
        event.name: {way: allows(user, event.name, way) for way in WAYS}
        for event in events.registered()
    }


def settings_set(*, user: User, changes: dict[str, Any]) -> dict[str, dict[str, bool]]:
    """Change some of the user's settings (`{type: {way: bool}}`; what is left out stays) and
    tell their open sockets. Unknown types, ways or values are refused, changing nothing."""
    known = {event.name for event in events.registered()}
    errors: dict[str, list[str]] = {}
    for type, chosen in changes.items():
        if type not in known:
            errors[type] = [gettext("No such notification type.")]
        elif (
            not isinstance(chosen, dict)
            or not chosen
            or set(chosen) - set(WAYS)
            or not all(isinstance(on, bool) for on in chosen.values())
        ):
            errors[type] = [gettext('Give {"socket": true|false, "subscribe": true|false}.')]
    if errors:
        raise ValidationError(errors)
    kept = dict(user.notification_settings or {})
    for type, chosen in changes.items():
        merged = {**kept.get(type, {}), **chosen}
        off = {way: False for way, on in merged.items() if on is False}
        if off:
            kept[type] = off
        else:
            kept.pop(type, None)
    user.notification_settings = kept
    user.save(update_fields=["notification_settings"])
    from realtime import services

    services.sockets_silence(user_id=user.pk, types=sorted(silenced_on_socket(user)))
    return settings_of(user)
