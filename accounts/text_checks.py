"""Profile texts (display name, bio) pass the same moderation chain as confessions. The chain
lives above accounts (moderation.checkers), so accounts owns this registry (core.registry)
and the chain's app registers in its `AppConfig.ready()`. Without one, texts pass."""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import User
from core.registry import Registry

# (text, author, purpose) -> (kind: "pass" | "review" | "block", reason)
TextCheck = Callable[..., tuple[str, str]]

profile_check: Registry[TextCheck] = Registry("accounts.profile_check", single=True)


def verdict(text: str, *, author: User) -> tuple[str, str]:
    """What the chain says of `text` as `author`'s profile: pass, review or block."""
    check = profile_check.one()
    if check is None or not text:
        return "pass", ""
    return check(text, author=author, purpose="profile")
