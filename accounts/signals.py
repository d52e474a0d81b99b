"""Signals the accounts app sends, for apps that may import accounts but that accounts may not
import (DESIGN.md §2: realtime -> accounts). Sent only after the transaction commits."""

from django.dispatch import Signal

# A user can no longer be signed in: banned (`reason="banned"`) or deleted (`reason="deleted"`).
# Sent with `user_id` after commit; realtime closes the user's sockets on it.
user_deactivated = Signal()
