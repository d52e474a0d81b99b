"""Public confession walls (表白墙): one per school or community, its members' posts, their
likes and comments. The confessions app never imports this one."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from core.ids import random_id
from core.moderated import Moderated

# Unambiguous to read aloud or copy by hand (no 0/O, 1/I/L): 31 symbols, about 5 bits each.
INVITE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
INVITE_CODE_MIN_LENGTH = 8


def new_invite_code() -> str:
    """10 symbols, about 50 bits: with guesses throttled, not found by trying."""
    return "".join(secrets.choice(INVITE_CODE_ALPHABET) for _ in range(10))


class Wall(models.Model):
    class Moderation(models.TextChoices):
        PRE = (
            "pre",
            gettext_lazy("Before anyone sees it (a moderator approves every post and comment)"),
        )
        POST = "post", gettext_lazy("After (public at once when the checker chain passes it)")

    class Verification(models.TextChoices):
        NONE = "none", gettext_lazy("None: anyone signed in joins and posts")
        EMAIL = "email", gettext_lazy("A school e-mail address (a code sent to it)")
        CODE = "code", gettext_lazy("An invite code (the wall is hidden from non-members)")

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=500, blank=True)
    # Who may post: `code` walls are read by their members alone; on `email` and `code` walls
    # only verified members post, comment and like (walls.verification).
    verification = models.CharField(
        max_length=5, choices=Verification.choices, default=Verification.NONE
    )
    # An `email` wall's school domains, one per line: an address at one of them, or at a
    # subdomain of one ("stu.pku.edu.cn" under "pku.edu.cn"), verifies.
    email_domains = models.TextField(blank=True)
    # What a `code` wall's members were given (one is made for every wall; only a `code` wall
    # asks for it).
    invite_code = models.CharField(max_length=64, blank=True, default=new_invite_code)
    moderation = models.CharField(max_length=4, choices=Moderation.choices, default=Moderation.PRE)
    # Its signed posts and comments show their author's IP region (accounts.regions); never an
    # anonymous one.
    shows_region = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name

    @property
    def invite_only(self) -> bool:
        """Read by its members alone (a `code` wall)."""
        return self.verification == self.Verification.CODE

    @property
    def verified_only(self) -> bool:
        """Only verified members post, comment and like."""
        return self.verification != self.Verification.NONE

    def domains(self) -> list[str]:
        return [line.strip().lower().lstrip("@") for line in self.email_domains.split() if line]

    def clean(self) -> None:
        if self.invite_only and len(self.invite_code) < INVITE_CODE_MIN_LENGTH:
            minimum = INVITE_CODE_MIN_LENGTH
            message = f"At least {minimum} characters: a short code is found by trying."
            raise ValidationError({"invite_code": message})
        if self.verification == self.Verification.EMAIL and not self.domains():
            message = gettext("Name at least one school domain, such as pku.edu.cn.")
            raise ValidationError({"email_domains": message})


class Membership(models.Model):
    wall = models.ForeignKey(Wall, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wall_memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    # Verified (walls.verification): by a code sent to a school address, or by the wall's
    # invite code. Of the address, only its domain and a keyed digest are kept: one address
    # verifies one account per wall.
    verified_at = models.DateTimeField(null=True, blank=True)
    email_domain = models.CharField(max_length=255, blank=True)
    email_digest = models.CharField(max_length=64, null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("wall", "user"), name="one_membership"),
            models.UniqueConstraint(fields=("wall", "email_digest"), name="one_account_an_address"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.wall_id}"


class Post(Moderated):
    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    wall = models.ForeignKey(Wall, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wall_posts"
    )
    body = models.TextField(max_length=2000)
    to = models.CharField(max_length=50, blank=True, help_text="whom it is for, described")
    anonymous = models.BooleanField(default=True)
    # Its author was a verified member when they posted it (walls.verification).
    verified = models.BooleanField(default=False)
    # Its author's IP region when they posted it, by language ({"en": ..., "zh-hans": ...});
    # kept for signed posts only, shown where the wall `shows_region` (accounts.regions).
    region = models.JSONField(null=True, blank=True)
    pinned = models.BooleanField(default=False)
    # Folded by moderators: shown collapsed, with this reason category ("" when not folded).
    folded_reason = models.CharField(max_length=16, blank=True)
    # Locked by moderators: it stays, but takes no new comments.
    comments_locked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)  # by its author

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            # Every post, not only the approved ones: the feed also shows its reader's own
            # pending posts (an OR no partial index answers), and walks this index in order to
            # its LIMIT instead of sorting the whole wall.
            models.Index(fields=("wall", "-created_at", "-id"), name="wall_feed"),
            models.Index(fields=("author", "-created_at"), name="wall_post_author"),
            # The few pinned posts of a wall, found without reading its feed.
            models.Index(fields=("wall",), name="wall_pinned", condition=Q(pinned=True)),
        ]
        permissions = [("moderate_post", "Can approve, hide or remove wall posts")]

    def __str__(self) -> str:
        return gettext("Post %(id)s (%(status)s)") % {
            "id": self.pk,
            "status": self.get_status_display(),
        }


class PostMedia(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    media = models.OneToOneField("media_app.Media", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("post", "position")
        constraints = [models.UniqueConstraint(fields=("post", "position"), name="post_media_slot")]

    def __str__(self) -> str:
        return f"{self.media_id} in post {self.post_id}"


class Like(models.Model):
    """One per user and post. Counted, never added to a counter on the post: a like is one
    INSERT, and no like waits for another's lock on the post's row."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("post", "user"), name="one_like")]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.post_id}"


class LikeDigest(models.Model):
    """Likes waiting to be told to a post's author in one notification: one row per post,
    made by the first like after the last digest (an INSERT that may find it there)."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField()

    def __str__(self) -> str:
        return f"likes of {self.post_id} since {self.since}"


class Comment(Moderated):
    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    # One level of replies: a reply's parent is a top-level comment.
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wall_comments"
    )
    body = models.TextField(max_length=500)
    anonymous = models.BooleanField(default=False)
    verified = models.BooleanField(default=False)
    region = models.JSONField(null=True, blank=True)  # as a post's
    # Its author's alias in the post's thread (walls.aliases): 0 the poster, then 1, 2, ...
    alias = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [
            models.Index(fields=("post", "created_at", "id"), name="post_comments"),
            # The moderation desk's list, newest first, without sorting every comment.
            models.Index(fields=("created_at", "id"), name="comment_by_time"),
        ]
        permissions = [("moderate_comment", "Can approve, hide or remove wall comments")]

    def __str__(self) -> str:
        return f"Comment {self.pk} on post {self.post_id}"


class ThreadAlias(models.Model):
    """One person's alias in one post's thread, in one guise (walls.aliases): numbered in the
    order they first commented, so nothing about it comes from who they are."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Their comments that hide who wrote them, or those that show it: two aliases, so a signed
    # comment never names its author's anonymous ones.
    masked = models.BooleanField()
    number = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = gettext_lazy("thread aliases")
        constraints = [
            models.UniqueConstraint(fields=("post", "user", "masked"), name="one_alias_a_guise"),
            models.UniqueConstraint(fields=("post", "number"), name="one_holder_an_alias"),
        ]

    def __str__(self) -> str:
        return f"alias {self.number} on post {self.post_id}"


class Follow(models.Model):
    """Someone follows a post: they are told of its new comments (`wall.commented`,
    `following: true`). Known to them alone."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("post", "user"), name="one_follow")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.post_id}"


class EmailCode(models.Model):
    """A six-digit code sent to a school address to verify a membership (walls.verification):
    single-use, until `expires_at`, a few wrong tries. Neither the code nor the address is
    kept in clear: their keyed digests, and the address's domain."""

    wall = models.ForeignKey(Wall, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email_domain = models.CharField(max_length=255)
    email_digest = models.CharField(max_length=64)
    code_digest = models.CharField(max_length=64)
    wrong_tries = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=("wall", "user"), name="one_code_waiting")]

    def __str__(self) -> str:
        return f"code for {self.user_id} in {self.wall_id}"
