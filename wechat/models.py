from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


class SubscribeCredit(models.Model):
    """How many subscribe messages of one template a user allowed (each accept in
    `wx.requestSubscribeMessage` is one: one-time templates, no expiry)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscribe_credits"
    )
    template_id = models.CharField(max_length=64)
    credits = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "template_id"), name="one_credit_row")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} × {self.template_id}: {self.credits}"


class SubscribeMessage(models.Model):
    """One notification's subscribe message: at most one, whatever retries or workers do."""

    class Outcome(models.TextChoices):
        SENT = "sent", gettext_lazy("Sent")
        REFUSED = "refused", gettext_lazy("Refused by the user (43101): credits set to 0")
        INVALID = "invalid", gettext_lazy("Refused as invalid (47003): a bug of ours")
        FAILED = "failed", gettext_lazy("Refused by WeChat for another reason")

    notification = models.OneToOneField(
        "realtime.Notification", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    template_id = models.CharField(max_length=64)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    errcode = models.IntegerField(default=0)
    msgid = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.template_id} for notification {self.notification_id}: {self.outcome}"


class PushEvent(models.Model):
    """An event WeChat pushed to /wechat/push, stored before it is answered and processed by a
    task. WeChat retries a push it got no `success` for: `key` makes a retry a no-op."""

    key = models.CharField(max_length=200, unique=True)
    event = models.CharField(max_length=64)
    openid = models.CharField(max_length=64, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.event} from {self.openid or '?'} ({self.outcome or 'waiting'})"
