from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, gettext_lazy

from core.ids import random_id
from core.moderated import Moderated


class Confession(Moderated):
    """A message of love from `sender` to `recipient` (or, until claimed, to whoever opens its
    share link). Rows are never hard-deleted by users: a retraction or an inbox removal is a
    timestamp, so moderators keep the evidence a report points at."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    author_field = "sender"

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
    # Decided at the moment of delivery (`accounts.selectors.can_reach`): it may not reach the
    # recipient (a block either way, a ban). Stored, and to the sender a normal send; shown to
    # nobody else.
    suppressed = models.BooleanField(default=False)
    # The anonymous block the recipient made from this confession ("block whoever sent
    # this"): while it stands, this one confession is hidden from them. Unblocking (deleting
    # the block) brings it back. See `messages_app.selectors` for why only this one.
    sender_block = models.OneToOneField(
        "accounts.Block", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When its sender asked it delivered (scheduled delivery); null: at once. Until then it
    # reaches nobody (a share link does not open); then a task delivers it (messages_app.tasks).
    deliver_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # When each side last marked the thread read (POST .../read, or writing a reply): replies
    # of the other side after it make the confession `unread` in that side's list.
    sender_seen_at = models.DateTimeField(null=True, blank=True)
    recipient_seen_at = models.DateTimeField(null=True, blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    removed_by_recipient_at = models.DateTimeField(null=True, blank=True)
    # When its anonymous sender chose to be known (POST .../reveal): `anonymous` is false from
    # then on, for good.
    revealed_at = models.DateTimeField(null=True, blank=True)
    # Written through its recipient's personal inbox link (messages_app.services.inbox_links):
    # always anonymous; a signed-out writer's sender is the link's stand-in for their address.
    via_link = models.ForeignKey(
        "InboxLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Why the moderation chain held it for review, for the moderator who looks at it.
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at", "-id")
        permissions = [("moderate_confession", "Can approve, reject or hide confessions")]
        indexes = [
            models.Index(fields=("recipient", "-created_at", "-id"), name="confession_inbox"),
            models.Index(fields=("sender", "-created_at", "-id"), name="confession_outbox"),
            # The moderation queue's pending ones, found without reading every confession.
            models.Index(
                fields=("created_at",), name="confession_pending", condition=Q(status="pending")
            ),
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
        return gettext("Confession %(id)s (%(status)s)") % {
            "id": self.pk,
            "status": self.get_status_display(),
        }


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


class Reply(Moderated):
    """One message in the thread between a confession's sender and its recipient. A reply
    held for review is seen only by its author until a moderator approves it."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)

    confession = models.ForeignKey(Confession, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="confession_replies"
    )
    body = models.TextField(max_length=2000)
    # Like `Confession.suppressed`, decided when it is delivered (written, or approved): it
    # may not reach the other side, whose thread never shows it; its author sees it sent.
    suppressed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name_plural = gettext_lazy("replies")
        indexes = [
            models.Index(fields=("confession", "created_at", "id"), name="reply_thread"),
            # The moderation desk's list, newest first, without sorting every reply.
            models.Index(fields=("created_at", "id"), name="reply_by_time"),
        ]
        permissions = [("moderate_reply", "Can approve or reject replies")]

    def __str__(self) -> str:
        return gettext("Reply %(id)s on confession %(confession)s") % {
            "id": self.pk,
            "confession": self.confession_id,
        }


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


class QueuedConfession(Confession):
    """The moderators' queue in the admin: confessions pending review or with open reports."""

    class Meta:
        proxy = True
        verbose_name = gettext_lazy("moderation queue item")
        verbose_name_plural = gettext_lazy("moderation queue")


class ShareCode(models.Model):
    """A share link's mini program code (WeChat's `getwxacodeunlimit`), made once and kept:
    WeChat limits how many a minute it makes. Its `scene` (at most 32 characters, so not the
    share token itself) is a short random id that leads back to the link."""

    confession = models.OneToOneField(Confession, on_delete=models.CASCADE, related_name="+")
    scene = models.CharField(max_length=32, unique=True)
    image = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Share code {self.scene} of confession {self.confession_id}"


class Hint(models.Model):
    """A hint the anonymous sender gives the recipient about who they are (at most
    messages_app.services.hints.HINTS_MAX to a confession)."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    confession = models.ForeignKey(Confession, on_delete=models.CASCADE, related_name="hints")
    text = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"Hint {self.pk} on {self.confession_id}"


class Crush(models.Model):
    """A secret crush (messages_app.services.crushes): on its owner's private list; the target
    learns only that someone has one, until both list each other. Removing one keeps its
    place taken until `removed_at` + CRUSH_COOLDOWN_DAYS, against probing."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = gettext_lazy("crushes")
        constraints = [models.UniqueConstraint(fields=("owner", "target"), name="one_crush")]
        indexes = [models.Index(fields=("target", "owner"), name="crush_target")]

    def __str__(self) -> str:
        return f"Crush {self.pk}"


class InboxLink(models.Model):
    """A user's personal inbox link (`/u/<handle>`, messages_app.services.inbox_links): anyone,
    signed in or out, may write to them through it, anonymously."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_link"
    )
    handle = models.CharField(max_length=32, unique=True)
    enabled = models.BooleanField(default=False)
    paused = models.BooleanField(default=False)
    prompt = models.CharField(max_length=100, blank=True)
    # Messages holding one are dropped without a word to their writer (matched as mutes are).
    filter_words = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Inbox link {self.handle}"


class LinkSender(models.Model):
    """Who wrote through an inbox link while signed out, as far as abuse handling needs:
    a keyed hash of their address, and the stand-in account their messages are sent as (so
    the owner may block "whoever sent this" without learning who). Shown to superusers only."""

    link = models.ForeignKey(InboxLink, on_delete=models.CASCADE, related_name="+")
    address_hash = models.CharField(max_length=64)
    stand_in = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("link", "address_hash"), name="one_stand_in")
        ]

    def __str__(self) -> str:
        return f"Link sender {self.pk}"
