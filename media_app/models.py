from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from core.ids import random_id
from core.moderated import Moderated, Status


class Media(Moderated):
    """One uploaded photo or video, stored privately under a server-generated key.

    The upload pipeline (validation, re-encoding, thumbnails, signed URLs) is media_app's
    services; this row only records what was stored and who owns it. Like every moderated kind
    it has a `status`: pending while WeChat checks it or moderators are to look at it
    (`moderation_note` says why), rejected when WeChat rejected it, else approved.
    `check_status` is the state of WeChat's check itself.
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)

    class Kind(models.TextChoices):
        IMAGE = "image", gettext_lazy("Image")
        VIDEO = "video", gettext_lazy("Video")

    author_field = "owner"
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    storage_key = models.CharField(max_length=255, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True, help_text="seconds, videos only")
    thumbnail_key = models.CharField(max_length=255, blank=True)
    # Images with a long side over 1280 px: the same picture at 1280 (else the main one is it).
    display_key = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set when a confession (or a profile, as its avatar) starts carrying it.
    attached_at = models.DateTimeField(null=True, blank=True)

    class Check(models.TextChoices):
        """WeChat's image check (media_app.checks): uploads of WeChat users, on S3."""

        UNCHECKED = "unchecked", gettext_lazy("Not checked (no WeChat, or not a WeChat user)")
        CHECKING = "checking", gettext_lazy("Waiting for WeChat's verdict")
        PASSED = "passed", gettext_lazy("Passed")
        REVIEW = (
            "review",
            gettext_lazy("For moderators (WeChat said review, or no verdict in time)"),
        )
        REJECTED = "rejected", gettext_lazy("Rejected by WeChat (its files are deleted)")

    check_status = models.CharField(max_length=9, choices=Check.choices, default=Check.UNCHECKED)
    # As `check_status`: an image nobody checks is not held (the text carrying it is moderated).
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPROVED)
    check_trace_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    check_label = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name_plural = gettext_lazy("media")

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} of {self.owner_id}"
