"""Background tasks of accounts (thin: each calls a service)."""

from __future__ import annotations

from django_tasks import task

from accounts import services


@task()
def tokens_flush() -> int:
    """Periodic: forget refresh tokens that have expired (simplejwt's flushexpiredtokens)."""
    return services.tokens_flush_expired()
