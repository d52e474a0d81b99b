"""Shapes of the accounts API. Parsing and rendering only: the rules are in services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import phones, regions, usernames
from accounts.avatars import avatar_url
from accounts.models import Block, User, username_validator
from core.parsing import StrictCharField

PASSWORD_MAX_LENGTH = 128


def _password_min_length() -> int:
    validators = password_validation.get_default_password_validators()
    return max((getattr(validator, "min_length", 1) for validator in validators), default=1)


class NewPasswordField(StrictCharField):
    """A new password. The service checks it with the configured validators; the field
    refuses one shorter than their minimum up front, and the schema states their rules."""

    def __init__(self, **kwargs: Any) -> None:
        help_text = " ".join(password_validation.password_validators_help_texts())
        super().__init__(
            min_length=_password_min_length(),
            max_length=PASSWORD_MAX_LENGTH,
            trim_whitespace=False,
            write_only=True,
            help_text=help_text,
            **kwargs,
        )


def username_field(**kwargs: Any) -> StrictCharField:
    """A username as the User model takes it (accounts.usernames; the schema states it)."""
    return StrictCharField(
        min_length=usernames.MIN_LENGTH,
        max_length=usernames.MAX_LENGTH,
        validators=[_NO_ASCII_PUNCTUATION, username_validator],
        help_text=usernames.RULE,
        **kwargs,
    )


# What a pattern can state of the rule (JSON Schema patterns have no Unicode classes): no
# ASCII space, control or punctuation but `_`. The description states the rest.
_NO_ASCII_PUNCTUATION = RegexValidator(
    r"^[^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]+$",
    usernames.INVALID,
    code="invalid_username",
)


class _AvatarUrlMixin(serializers.Serializer):
    avatar_url = serializers.SerializerMethodField(
        help_text="signed, expires after MEDIA_URL_TTL_SECONDS; null without an avatar"
    )

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_avatar_url(self, user: User) -> str | None:
        return avatar_url(user, self.context.get("request"))


class _RegionMixin(serializers.Serializer):
    ip_region = serializers.SerializerMethodField(
        help_text="the province (in mainland China) or country of the account's latest "
        "sign-in address, in the reader's language; null when not known (never the address)"
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_ip_region(self, user: User) -> str | None:
        return regions.shown(user.ip_region)


# The languages a user's `language` may name: the ones the site speaks.
LANGUAGE_CODES = [code for code, _ in settings.LANGUAGES]


class UserSelfOutput(_AvatarUrlMixin, _RegionMixin, serializers.ModelSerializer):
    avatar = serializers.IntegerField(source="avatar_id", allow_null=True, read_only=True)
    language = serializers.ChoiceField(
        choices=["", *LANGUAGE_CODES],
        read_only=True,
        help_text='the language of your WeChat subscribe messages; "" while not known (Chinese)',
    )
    pending_display_name = serializers.CharField(
        source="held_texts.display_name",
        allow_null=True,
        read_only=True,
        help_text="a new display name held for review (only you see it; the old one stays "
        "public until it is approved)",
    )
    pending_bio = serializers.CharField(
        source="held_texts.bio",
        allow_null=True,
        read_only=True,
        help_text="a new bio held for review, likewise",
    )
    phone = serializers.SerializerMethodField(
        help_text="your bound phone, masked (138****5678); null without one. Nobody else sees it"
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_phone(self, user: User) -> str | None:
        return phones.masked(user.phone_sealed)

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "display_name",
            "bio",
            "avatar",
            "avatar_url",
            "accepts_anonymous",
            "language",
            "ip_region",
            "date_joined",
            "pending_display_name",
            "pending_bio",
            "pending_avatar",
            "phone",
        )
        read_only_fields = fields
        extra_kwargs = {
            "pending_avatar": {
                "help_text": "a new avatar (media id) waiting for the image "
                "check; the old one is shown until it passes"
            },
        }


class UserPublicOutput(_AvatarUrlMixin, _RegionMixin, serializers.ModelSerializer):
    avatar = serializers.IntegerField(source="avatar_id", allow_null=True, read_only=True)

    class Meta:
        model = User
        fields = (
            "username",
            "display_name",
            "bio",
            "avatar",
            "avatar_url",
            "accepts_anonymous",
            "ip_region",
        )
        read_only_fields = fields


class TokenPairOutput(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class AuthOutput(TokenPairOutput):
    user = UserSelfOutput()


class WebAuthOutput(serializers.Serializer):
    user = UserSelfOutput()
    access = serializers.CharField()


class AccessOutput(serializers.Serializer):
    access = serializers.CharField()


class WeChatAuthOutput(AuthOutput):
    created = serializers.BooleanField(help_text="Whether this login created the account.")


class RegisterInput(serializers.Serializer):
    username = username_field()
    password = NewPasswordField()
    display_name = StrictCharField(max_length=50, required=False, allow_blank=True)


class LoginInput(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(
        max_length=PASSWORD_MAX_LENGTH, trim_whitespace=False, write_only=True
    )


class WeChatLoginInput(serializers.Serializer):
    code = StrictCharField(max_length=128, help_text="The code from wx.login()")
    display_name = StrictCharField(max_length=50, required=False, allow_blank=True)


class RefreshInput(serializers.Serializer):
    refresh = StrictCharField(max_length=2048)


class ProfileUpdateInput(serializers.Serializer):
    username = username_field(required=False)
    display_name = StrictCharField(max_length=50, required=False, allow_blank=True)
    bio = StrictCharField(max_length=300, required=False, allow_blank=True)
    avatar = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="A media id of your own image"
    )
    accepts_anonymous = serializers.BooleanField(required=False)
    language = serializers.ChoiceField(
        choices=LANGUAGE_CODES,
        required=False,
        help_text="the language of the WeChat subscribe messages you get (set at each sign-in "
        "from Accept-Language)",
    )


class PhoneBindInput(serializers.Serializer):
    code = StrictCharField(max_length=128, help_text="the code of a getPhoneNumber button")


class BlockCreateInput(serializers.Serializer):
    username = StrictCharField(max_length=150)


class BlockOutput(serializers.ModelSerializer):
    username = serializers.SerializerMethodField(
        help_text="null for a block made from an anonymous confession: you never learn who"
    )
    display_name = serializers.SerializerMethodField()

    class Meta:
        model = Block
        fields = ("id", "username", "display_name", "anonymous", "created_at")
        read_only_fields = fields

    def get_username(self, block: Block) -> str | None:
        return None if block.anonymous else block.blocked.username

    def get_display_name(self, block: Block) -> str | None:
        return None if block.anonymous else block.blocked.display_name
