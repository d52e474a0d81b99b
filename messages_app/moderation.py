"""The moderation hook every confession and reply passes before it is stored.

For now it approves everything; the moderation issue replaces `moderate` with its chain of
checkers. The send path only looks at the `Verdict`, so it need not change then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Action = Literal["pass", "review", "block"]


@dataclass(frozen=True)
class Verdict:
    action: Action
    reason: str = ""


def moderate(text: str) -> Verdict:
    """How `text` may proceed: pass (deliver), review (hold for a moderator), block (refuse)."""
    return Verdict("pass")
