"""A muted author writes nothing others see: one rule, asked by every write of every feature
(a confession, a reply, a post, a comment). Moderators mute (moderation.sanctions); the mute
ends by itself at its time."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ApplicationError


def check_may_write(user: Any) -> None:
    """403 `muted`, with the sanction's `reason` and `until` in the envelope, while a mute
    stands; else nothing."""
    until = user.muted_until
    if until is not None and until > timezone.now():
        raise ApplicationError(
            "muted",
            gettext("Moderators muted you until %(until)s: you can read, not write.")
            % {"until": until.isoformat(timespec="minutes")},
            status=403,
            details={"reason": user.mute_reason, "until": until.isoformat()},
        )
