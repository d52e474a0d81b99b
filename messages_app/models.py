from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Confession(models.Model):
    """A message of love from `sender` to `recipient` (or, until claimed, to whoever opens its
    share link). Rows are never hard-deleted by users: a retraction or an inbox removal is a
    timestamp, so moderators keep the evidence a report points at."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        HIDDEN = "hidden", "Hidden by moderators"

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_confessions"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="received_confessions",
    )
    body = models.TextField(max_length=2000)
    anonymous = models.BooleanField(default=False)
    share_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # The recipient blocks the sender: stored (the sender sees a normal send), delivered to
    # nobody, and never shown to the recipient.
    suppressed = models.BooleanField(default=False)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    removed_by_recipient_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=("recipient", "-created_at", "-id"), name="confession_inbox"),
            models.Index(fields=("sender", "-created_at", "-id"), name="confession_outbox"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=F("recipient")), name="confession_not_to_self"
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | Q(share_token__isnull=False),
                name="confession_has_a_way_to_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Confession {self.pk} ({self.status})"


class ConfessionMedia(models.Model):
    """A photo or video a confession carries. One media item, one confession, ever."""

    confession = models.ForeignKey(Confession, on_delete=models.CASCADE, related_name="attachments")
    media = models.OneToOneField("media_app.Media", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(fields=("confession", "position"), name="attachment_slot")
        ]

    def __str__(self) -> str:
        return f"Media {self.media_id} of confession {self.confession_id}"


class Reply(models.Model):
    """One message in the thread between a confession's sender and its recipient."""

    confession = models.ForeignKey(Confession, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="confession_replies"
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"Reply {self.pk} on {self.confession_id}"


class Match(models.Model):
    """Two users confessed to each other: from now on both see who."""

    user_low = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    user_high = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user_low", "user_high"), name="match_pair"),
            models.CheckConstraint(condition=Q(user_low__lt=F("user_high")), name="match_order"),
        ]

    def __str__(self) -> str:
        return f"Match {self.user_low_id} & {self.user_high_id}"
