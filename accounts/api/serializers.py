"""Shapes of the accounts API. Parsing and rendering only: the rules are in services."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.avatars import avatar_url
from accounts.models import Block, User


class _AvatarUrlMixin(serializers.Serializer):
    avatar_url = serializers.SerializerMethodField(
        help_text="signed, expires after MEDIA_URL_TTL_SECONDS; null without an avatar"
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_avatar_url(self, user: User) -> str | None:
        return avatar_url(user, self.context.get("request"))


class UserSelfOutput(_AvatarUrlMixin, serializers.ModelSerializer):
    avatar = serializers.IntegerField(source="avatar_id", allow_null=True, read_only=True)

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
            "date_joined",
        )
        read_only_fields = fields


class UserPublicOutput(_AvatarUrlMixin, serializers.ModelSerializer):
    avatar = serializers.IntegerField(source="avatar_id", allow_null=True, read_only=True)

    class Meta:
        model = User
        fields = ("username", "display_name", "bio", "avatar", "avatar_url", "accepts_anonymous")
        read_only_fields = fields


class TokenPairOutput(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class AuthOutput(TokenPairOutput):
    user = UserSelfOutput()


class WeChatAuthOutput(AuthOutput):
    created = serializers.BooleanField(help_text="Whether this login created the account.")


class RegisterInput(serializers.Serializer):
    username = serializers.CharField(max_length=30, help_text="3-30 letters, digits or _")
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
    display_name = serializers.CharField(max_length=50, required=False, allow_blank=True)


class LoginInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)


class WeChatLoginInput(serializers.Serializer):
    code = serializers.CharField(max_length=128, help_text="The code from wx.login()")
    display_name = serializers.CharField(max_length=50, required=False, allow_blank=True)


class RefreshInput(serializers.Serializer):
    refresh = serializers.CharField(max_length=2048)


class ProfileUpdateInput(serializers.Serializer):
    username = serializers.CharField(max_length=30, required=False)
    display_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    bio = serializers.CharField(max_length=300, required=False, allow_blank=True)
    avatar = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="A media id of your own image"
    )
    accepts_anonymous = serializers.BooleanField(required=False)


class BlockCreateInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)


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
