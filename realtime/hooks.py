"""What other apps may hang on realtime, which is below them (core.registry: the lower app owns
the registry, the higher app registers in its AppConfig.ready()).

`notification_stored`: each `listener(notification)` runs inside `notify`'s transaction, right
after the row is written (the wechat app enqueues its subscribe message there: it exists if the
notification does). A listener must be cheap: it runs on every send."""

from __future__ import annotations

from collections.abc import Callable

from core.registry import Registry

notification_stored: Registry[Callable[..., None]] = Registry("realtime.notification_stored")
