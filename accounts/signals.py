"""What the accounts app tells apps that may import accounts but that accounts may not import
(realtime -> accounts), through a registry (core.registry). Told only after the transaction
commits."""

from __future__ import annotations

from collections.abc import Callable

from core.registry import Registry

# A user can no longer be signed in: banned (`reason="banned"`) or deleted (`reason="deleted"`).
# Each listener is called with `user_id=` and `reason=` after commit; realtime closes the user's
# sockets on it.
user_deactivated: Registry[Callable[..., None]] = Registry("accounts.user_deactivated")
