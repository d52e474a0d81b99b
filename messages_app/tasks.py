"""Background tasks of the confessions app (thin: each calls a service)."""

from __future__ import annotations

from django_tasks import task

from messages_app import services


@task()
def confession_deliver(confession_id: int) -> bool:
    """At a scheduled confession's time: deliver it by the delivery rule as it stands then."""
    return services.confession_deliver_scheduled(confession_id=confession_id)
