from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy

from accounts import usernames
from core.moderated import Moderated, Status


def username_validator(value: str) -> None:
    usernames.validate(value)


class UserManager(DjangoUserManager):
    def get_by_natural_key(self, username: str):
        # Usernames are unique regardless of case (accounts.usernames.key): sign-in too.
        return self.get(username_key=usernames.key(username))


class User(AbstractUser):
    """A person using the mini program (or staff using the admin)."""

    username = models.CharField(
        max_length=30,
        unique=True,
        validators=[username_validator],
        help_text=usernames.RULE,
        error_messages={"unique": gettext_lazy("That username is taken.")},
    )
    # accounts.usernames: the name case-folded (unique: what sign-in finds), and its
    # look-alike skeleton (a new name may not share another's). Kept by save().
    username_key = models.CharField(max_length=150, unique=True, editable=False)
    username_skeleton = models.CharField(max_length=300, db_index=True, editable=False)
    display_name = models.CharField(max_length=50, blank=True)
    bio = models.CharField(max_length=300, blank=True)
    # A new display name or bio the moderation chain held for review is a `ProfileText`.
    # A mute in force (moderation.Sanction): until then the user reads but writes nothing
    # others see (confessions, replies, posts, comments). Kept here so every author's rule
    # (authoring.sanctions) reads it with the user, without a query.
    muted_until = models.DateTimeField(null=True, blank=True)
    mute_reason = models.CharField(max_length=16, blank=True)
    # A new avatar waiting for the image check (media_app.checks): the old one stays shown.
    pending_avatar = models.ForeignKey(
        "media_app.Media", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The phone bound through WeChat, encrypted (accounts.phones); never shown to anyone else.
    phone_sealed = models.TextField(blank=True)
    # A keyed digest of that phone (accounts.phones.digest): one account per phone.
    phone_digest = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    # Media lives in media_app, which imports accounts; the string reference keeps accounts'
    # code free of media_app while the database keeps the relation honest.
    avatar = models.ForeignKey(
        "media_app.Media",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accepts_anonymous = models.BooleanField(
        default=True, help_text="Whether anonymous confessions may be sent to this user."
    )
    language = models.CharField(
        max_length=10,
        blank=True,
        default="",
        choices=settings.LANGUAGES,
        help_text="What we tell this user outside a request of theirs (WeChat subscribe "
        "messages) is in this language: set from their sign-in's Accept-Language, or by "
        "themselves. Empty: not known (subscribe messages are then in Chinese).",
    )
    # Words this user mutes on the walls (walls.mutes): posts, comments and their notifications
    # holding one never reach them. On the user row, read with it on every request: a feed
    # costs no query more for them.
    muted_words = models.JSONField(default=list, blank=True)
    # Per notification type, the ways this user turned off (realtime.preferences):
    # {"wall.liked": {"socket": false, "subscribe": false}}; what is not here is on.
    notification_settings = models.JSONField(default=dict, blank=True)
    wechat_openid = models.CharField(max_length=64, null=True, blank=True, unique=True)
    wechat_unionid = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    # WeChat's risk rank at sign-up (getuserriskrank, 0 to 4; None when not known): at
    # WECHAT_RISK_REVIEW_RANK or above, what they write is held for review at first
    # (accounts.risk).
    wechat_risk_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    # The region of the latest sign-in's address, by language (accounts.regions); never the
    # address. None: not known.
    ip_region = models.JSONField(null=True, blank=True)

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
        ]

    @cached_property
    def held_texts(self) -> dict[str, str | None]:
        """The display name and bio waiting for moderators (`ProfileText`), None where none
        waits: what only the user sees of them."""
        held: dict[str, str | None] = dict.fromkeys(("display_name", "bio"))
        pending = self.profile_texts.filter(status=Status.PENDING)
        held.update(pending.values_list("field", "value"))
        return held

    def __str__(self) -> str:
        return self.username

    def save(self, *args, **kwargs) -> None:
        self.username = usernames.normal(self.username)
        self.username_key = usernames.key(self.username)
        self.username_skeleton = usernames.skeleton(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_key", "username_skeleton"}
        super().save(*args, **kwargs)


class Block(models.Model):
    """`blocker` never receives anything from `blocked` any more.

    `anonymous` marks a block made from an anonymous confession ("block whoever sent this"):
    the blocker is never shown who it is. There is one such block per confession it was made
    from (the confessions app links them), never one per pair: if blocking from a second
    anonymous confession reused the first block, the blocks list would tell the blocker that
    both came from the same person. A named block is one per pair, and may stand beside
    anonymous ones, so that blocking or unblocking by name reveals nothing about them either.
    """

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocked_by")
    anonymous = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("blocker", "blocked"),
                condition=Q(anonymous=False),
                name="accounts_block_named_unique",
            ),
            models.CheckConstraint(
                condition=~Q(blocker=models.F("blocked")), name="accounts_block_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class TokenRotation(models.Model):
    """A refresh token that was rotated (`jti`), and the pair it was rotated into.

    Within `JWT_REFRESH_GRACE_SECONDS` of the rotation, the same token answers the same pair
    again: two pages that refresh at once, or a retry after an answer lost on a weak network,
    both get the new pair. After that the token is dead, and using it revokes its `family`
    (every token descended from one sign-in): someone holds a copy. The successor pair is kept
    as simplejwt's own OutstandingToken keeps every refresh token it issued."""

    jti = models.CharField(max_length=255, unique=True)
    family = models.CharField(max_length=255, db_index=True)  # the sign-in's first jti
    successor_jti = models.CharField(max_length=255, db_index=True)
    successor_access = models.TextField()
    successor_refresh = models.TextField()
    rotated_at = models.DateTimeField()
    expires_at = models.DateTimeField()  # the rotated token's: forgotten with it

    def __str__(self) -> str:
        return f"{self.jti} -> {self.successor_jti}"


class ProfileText(Moderated):
    """A new display name or bio the moderation chain held for review: a moderated kind like
    a confession (its status, the chain's note, reports and decisions). The old text stays
    public meanwhile; approved, this one replaces it; rejected, it is dropped. At most one
    waits per user and field; a newer change replaces it (one that passes removes it)."""

    class Field(models.TextChoices):
        DISPLAY_NAME = "display_name", gettext_lazy("Display name")
        BIO = "bio", gettext_lazy("Bio")

    author_field = "user"
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="profile_texts")
    field = models.CharField(max_length=12, choices=Field.choices)
    value = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("user", "field"),
                condition=Q(status=Status.PENDING),
                name="one_pending_profile_text",
            )
        ]

    def __str__(self) -> str:
        return f"{self.field} of {self.user_id} ({self.status})"
