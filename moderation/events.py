"""What moderation tells users about themselves, declared once in `realtime.events` and built
here only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from realtime.events import declare

SANCTIONED = declare(
    "moderation.sanctioned",
    to="the user, when moderators warn, mute or ban them",
    data="`kind` (`warning`/`mute`/`ban`), `reason` (a category), `until` (null: a warning, "
    "or for good)",
)


def sanctioned(*, kind: str, reason: str, until: datetime | None) -> dict[str, Any]:
    return {
        "type": SANCTIONED,
        "data": {"kind": kind, "reason": reason, "until": until.isoformat() if until else None},
    }


APPEAL_DECIDED = declare(
    "moderation.appeal_decided",
    to="the user who appealed, when moderators decide",
    data="`appeal_id`, `kind`, `id` (what was appealed), `outcome` (`upheld`/`overturned`), `note`",
)


def appeal_decided(
    *, appeal_id: int, kind: str, target_id: int, outcome: str, note: str
) -> dict[str, Any]:
    return {
        "type": APPEAL_DECIDED,
        "data": {
            "appeal_id": appeal_id,
            "kind": kind,
            "id": target_id,
            "outcome": outcome,
            "note": note,
        },
    }


NOTICE = declare(
    "moderation.notice",
    to='the author of items moderators wrote about, from "the moderators"',
    data="`message`, `kind` (`confession`/`post`/`comment`), `ids` (your items it is about)",
)


def notice(*, message: str, kind: str, ids: list[int]) -> dict[str, Any]:
    return {"type": NOTICE, "data": {"message": message, "kind": kind, "ids": ids}}
