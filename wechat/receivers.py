"""What the wechat app does when other apps act (registered in WeChatConfig.ready())."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from realtime import preferences
from wechat import tasks, templates


def notification_stored(notification) -> None:
    """A notification for a WeChat user whose event has a template: its subscribe message is
    due after WECHAT_SUBSCRIBE_DELAY_SECONDS, unless the user has seen it on a socket by then
    (the task looks). No query here: this runs on every send."""
    user = notification.recipient
    if not (settings.WECHAT_APPID and user.wechat_openid):
        return
    if templates.for_event(notification.type) is None:
        return
    if not preferences.allows(user, notification.type, "subscribe"):
        return  # they turned its subscribe messages off
    due = timezone.now() + timedelta(seconds=settings.WECHAT_SUBSCRIBE_DELAY_SECONDS)
    tasks.subscribe_message_send.using(run_after=due).enqueue(notification.pk)
