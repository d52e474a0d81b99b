"""What the accounts app tells apps that may import accounts but that accounts may not import
(realtime -> accounts), through a registry (core.registry). Told only after the transaction
commits, except where a registry says otherwise."""

from __future__ import annotations

from collections.abc import Callable

from core.registry import Registry

# A user can no longer be signed in: banned (`reason="banned"`) or deleted (`reason="deleted"`).
# Each listener is called with `user_id=` and `reason=` after commit; realtime closes the user's
# sockets on it.
user_deactivated: Registry[Callable[..., None]] = Registry("accounts.user_deactivated")

# What a banned user is told when they prove who they are (sign-in answers 403
# `account_disabled`): more keys of the error envelope, such as the ban's reason, its end and
# how to appeal it. Called with the user; moderation answers for its sanctions.
disabled_details: Registry[Callable[..., dict]] = Registry("accounts.disabled_details", single=True)
