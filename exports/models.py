"""A user's copy of their own data (PIPL art. 45): a zip built by the worker in private
storage, downloadable by a signed link for EXPORT_TTL_HOURS, then deleted (exports.services)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class DataExport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Being built")
        READY = "ready", gettext_lazy("Ready to download")
        FAILED = "failed", gettext_lazy("Failed")
        EXPIRED = "expired", gettext_lazy("Expired (deleted)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Where the zip is in the default (private) storage, while it is kept.
    storage_key = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ("-requested_at", "-id")
        indexes = [models.Index(fields=("user", "-requested_at"), name="export_by_user")]

    def __str__(self) -> str:
        return f"export {self.pk} of {self.user_id} ({self.status})"
