"""What realtime does when other apps announce something (registered in RealtimeConfig.ready)."""

from __future__ import annotations

from realtime import services


def close_sessions_of_deactivated_user(*, user_id: int, reason: str) -> None:
    code = services.CLOSE_BANNED if reason == "banned" else services.CLOSE_NOT_AUTHENTICATED
    services.sessions_close(user_id=user_id, code=code)
