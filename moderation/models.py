"""What moderation keeps, for every kind of content (a confession, a reply, a wall post, a
comment, ...): the word list the checker chain reads, users' reports and moderators'
decisions. A report or a decision points at its target through the content types framework,
so this app knows no feature's model; the one vocabulary of where content stands and the base
every moderated kind inherits are `core.moderated`'s, whose `GenericRelation`s delete reports
and decisions with their target."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from core.moderated import ReasonCategory  # the vocabulary is core's; kept here by name

__all__ = ["Appeal", "BannedPhrase", "Claim", "Decision", "ReasonCategory", "Report", "Sanction"]


class BannedPhrase(models.Model):
    """A word or phrase the moderation chain looks for, through case, spacing, punctuation
    and full-width disguises."""

    class OnMatch(models.TextChoices):
        """The checker's verdict when the phrase is found."""

        REVIEW = "review", gettext_lazy("Hold for review")
        BLOCK = "block", gettext_lazy("Refuse")

    phrase = models.CharField(max_length=100, unique=True)
    action = models.CharField(max_length=6, choices=OnMatch.choices, default=OnMatch.REVIEW)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("phrase",)

    def __str__(self) -> str:
        return f"{self.phrase} ({self.action})"


class Report(models.Model):
    """A user tells moderators something is not OK. One per user and target."""

    class Outcome(models.TextChoices):
        REMOVED = "removed", gettext_lazy("Taken down")
        NO_ACTION = "no_action", gettext_lazy("No action needed")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    category = models.CharField(max_length=12, choices=ReasonCategory.choices)
    text = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=("content_type", "object_id"), name="report_target")]
        constraints = [
            models.UniqueConstraint(
                fields=("content_type", "object_id", "reporter"), name="report_once_each"
            )
        ]

    def __str__(self) -> str:
        return gettext("Report %(id)s on %(kind)s %(target)s (%(category)s)") % {
            "id": self.pk,
            "kind": self.content_type.model,
            "target": self.object_id,
            "category": self.get_category_display(),
        }


class Decision(models.Model):
    """The audit log: who decided what about which target, and why. Read-only to everyone."""

    class Action(models.TextChoices):
        APPROVE = "approve", gettext_lazy("Approve")
        REJECT = "reject", gettext_lazy("Reject")
        HIDE = "hide", gettext_lazy("Hide")
        DISMISS_REPORTS = "dismiss", gettext_lazy("Dismiss reports")
        AUTO_HIDE = "auto_hide", gettext_lazy("Hidden automatically by reports")
        PIN = "pin", gettext_lazy("Pin")
        UNPIN = "unpin", gettext_lazy("Unpin")
        UPHOLD = "uphold", gettext_lazy("Uphold on appeal")
        OVERTURN = "overturn", gettext_lazy("Overturn on appeal")
        NOTICE = "notice", gettext_lazy("Wrote to the author")
        FOLD = "fold", gettext_lazy("Fold (shown collapsed)")
        UNFOLD = "unfold", gettext_lazy("Unfold")
        LOCK = "lock", gettext_lazy("Lock comments")
        UNLOCK = "unlock", gettext_lazy("Unlock comments")
        WARN = "warn", gettext_lazy("Warned")
        MUTE = "mute", gettext_lazy("Muted")
        BAN = "ban", gettext_lazy("Banned")
        LIFT = "lift", gettext_lazy("Sanction ended")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="empty for decisions the system made",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    action = models.CharField(max_length=10, choices=Action.choices)
    from_status = models.CharField(max_length=10)
    to_status = models.CharField(max_length=10)
    reason = models.CharField(max_length=12, choices=ReasonCategory.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("content_type", "object_id"), name="decision_target")]

    def __str__(self) -> str:
        change = f"{self.from_status} -> {self.to_status}"
        return f"{self.action} {self.content_type.model} {self.object_id}: {change}"


class Sanction(models.Model):
    """A moderator's measure against a user, short of or beyond taking down what they wrote:
    a warning, a mute (they read, they write nothing others see) or a ban (they cannot sign
    in), for a time or for good. The user is told, with the reason category and the end; a
    timed one ends by itself (moderation.tasks.sanctions_expire)."""

    class Kind(models.TextChoices):
        WARNING = "warning", gettext_lazy("Warning")
        MUTE = "mute", gettext_lazy("Mute")
        BAN = "ban", gettext_lazy("Ban")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    reason = models.CharField(max_length=16, choices=ReasonCategory.choices)
    # When it ends by itself; null: a warning, or for good.
    until = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)  # for moderators, never shown to users
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When it stopped holding: its time came, or a moderator lifted it.
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(
                fields=("until",), name="sanction_to_end", condition=Q(ended_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        # Shown in the audit log, which moderators read: never whose.
        return gettext("Sanction %(id)s: %(kind)s (%(reason)s)") % {
            "id": self.pk,
            "kind": self.get_kind_display(),
            "reason": self.get_reason_display(),
        }


class Appeal(models.Model):
    """An author asks moderators to look again at what was taken down (a confession, a post,
    a comment) or at a sanction against them: once per thing. The decision (upheld or
    overturned, with a note) is told to them; an overturned take-down restores the item, an
    overturned sanction ends it."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Waiting for a moderator")
        UPHELD = "upheld", gettext_lazy("Upheld")
        OVERTURNED = "overturned", gettext_lazy("Overturned")

    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeals"
    )
    kind = models.CharField(max_length=12)  # "confession", "post", "comment" or "sanction"
    target_id = models.BigIntegerField()
    text = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    note = models.CharField(max_length=500, blank=True)  # the decision's, shown to the user
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("appellant", "kind", "target_id"), name="one_appeal_per_thing"
            )
        ]
        permissions = [("decide_appeal", "Can uphold or overturn appeals")]

    def __str__(self) -> str:
        return gettext("Appeal %(id)s: %(kind)s %(target)s (%(status)s)") % {
            "id": self.pk,
            "kind": self.kind,
            "target": self.target_id,
            "status": self.get_status_display(),
        }


class Claim(models.Model):
    """A moderator is on an item: opening it claims it for MODERATION_CLAIM_MINUTES, so that two
    moderators do not decide the same thing. Others see who has it, the queue skips it, and
    their decisions on it are refused until the claim runs out."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    until = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("content_type", "object_id"), name="one_claim_a_thing")
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} by {self.moderator_id}"
