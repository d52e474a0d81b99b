"""Background tasks of the wechat app (thin: each calls a service)."""

from __future__ import annotations

from django_tasks import task

from wechat import services


@task()
def subscribe_message_send(notification_id: int) -> str:
    return services.subscribe_message_send(notification_id=notification_id)


@task()
def push_event_process(event_id: int) -> str:
    return services.push_event_process(event_id=event_id)
