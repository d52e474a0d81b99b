"""What other apps may hang on realtime, which is below them (DESIGN.md §2: the lower app owns
the registry, the higher app registers in its AppConfig.ready()).

`on_notification_stored(listener)`: `listener(notification)` runs inside `notify`'s
transaction, right after the row is written (the wechat app enqueues its subscribe message
there: it exists if the notification does). A listener must be cheap: it runs on every send."""

from __future__ import annotations

from collections.abc import Callable

_stored: list[Callable] = []


def on_notification_stored(listener: Callable) -> None:
    if listener not in _stored:
        _stored.append(listener)


def notification_stored(notification) -> None:
    for listener in _stored:
        listener(notification)
