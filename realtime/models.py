from __future__ import annotations

from django.conf import settings
from django.db import models

from core.times import to_the_minute


class Notification(models.Model):
    """Something a user is told: stored first, then pushed, so nothing is lost to a dropped
    socket. For one recipient, ids grow in commit order (see `realtime.services.notify`), so a
    client that remembers the last id it saw can always ask for exactly what it missed."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # A type registered in `realtime.events` (validated by `notify`), not a choice list: a new
    # type of event needs no migration here.
    type = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    # Not stored: what a list shows of the text it is about, decided when it is read
    # (realtime.previews).
    preview: str | None
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=("recipient", "id"), name="realtime_notif_recipient_id")]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk} for {self.recipient_id}"

    def as_frame(self, preview: str | None = None) -> dict:
        """The shape every client sees, over the socket and over REST alike (`preview`:
        realtime.previews)."""
        return {
            "id": self.pk,
            "type": self.type,
            # To the minute: the time a confession reached someone says who sent it, where
            # an anonymous and a named one went out milliseconds apart.
            "created_at": to_the_minute(self.created_at).isoformat().replace("+00:00", "Z"),
            "data": self.data,
            "preview": preview,
        }


class OpenSocket(models.Model):
    """One open notifications socket: how many a user has, across every server process, and
    which is the oldest (`realtime.services.socket_opened` closes the oldest past the cap).
    A row left behind by a process that died is bounded like the rest: it is the oldest, so
    the next socket past the cap closes it (a no-op) instead of a live one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=("user", "id"), name="realtime_socket_user_id")]

    def __str__(self) -> str:
        return f"socket {self.channel_name} of {self.user_id}"
