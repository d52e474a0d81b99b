"""What realtime does when other apps announce something (connected in RealtimeConfig.ready)."""

from __future__ import annotations

from django.dispatch import receiver

from accounts.signals import user_deactivated
from realtime import services


@receiver(user_deactivated)
def close_sessions_of_deactivated_user(sender, *, user_id: int, reason: str, **kwargs) -> None:
    code = services.CLOSE_BANNED if reason == "banned" else services.CLOSE_NOT_AUTHENTICATED
    services.sessions_close(user_id=user_id, code=code)
