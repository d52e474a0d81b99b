"""Profile texts (display name, bio) pass the same moderation chain as confessions. The chain
lives above accounts (moderation.checkers), so accounts owns this registry and the chain's
app registers it in its `AppConfig.ready()` (DESIGN.md §2). Without one, texts pass."""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import User

# (text, author, purpose) -> (kind: "pass" | "review" | "block", reason)
TextCheck = Callable[..., tuple[str, str]]

_check: TextCheck | None = None


def register(check: TextCheck) -> None:
    global _check
    _check = check


def verdict(text: str, *, author: User) -> tuple[str, str]:
    """What the chain says of `text` as `author`'s profile: pass, review or block."""
    if _check is None or not text:
        return "pass", ""
    return _check(text, author=author, purpose="profile")
