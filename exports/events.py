"""The event the exports app tells users about (realtime.events)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from realtime.events import declare

EXPORT_READY = declare(
    "account.export_ready",
    to="a user, when the copy of their data they asked for (`POST /me/export`) is ready",
    data="`export_id`, `url` (signed: the zip, until `expires_at`; a path on this server when "
    "files are kept on its disk), `expires_at`",
)


def export_ready(*, export_id: int, url: str, expires_at: datetime) -> dict[str, Any]:
    return {
        "type": EXPORT_READY,
        "data": {"export_id": export_id, "url": url, "expires_at": expires_at.isoformat()},
    }
