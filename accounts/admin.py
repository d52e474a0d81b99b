"""Admin screens of accounts. Bans go through `accounts.services`, whichever way they are made."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import Block, ProfileText, User
from core.admin_bases import ReadOnlyModelAdmin, ReadOnlyTabularInline
from core.moderated import Status


class HeldProfileFilter(admin.SimpleListFilter):
    title = _("held for review")
    parameter_name = "held"
    held = Exists(ProfileText.objects.filter(user=OuterRef("pk"), status=Status.PENDING))

    def lookups(self, request, model_admin):
        return (("yes", _("A display name or bio is held")),)

    def queryset(self, request, queryset):
        return queryset.filter(self.held) if self.value() == "yes" else queryset


class ProfileTextInline(ReadOnlyTabularInline):
    model = ProfileText
    fields = ("field", "value", "status", "moderation_note", "created_at")
    readonly_fields = fields
    verbose_name_plural = _("Held for review")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "display_name",
        "wechat_openid",
        "is_active",
        "is_staff",
        "date_joined",
    )
    list_filter = ("is_active", "is_staff", "is_superuser", HeldProfileFilter)
    search_fields = ("username", "wechat_openid", "wechat_unionid", "display_name", "email")
    ordering = ("-date_joined",)
    readonly_fields = (
        "wechat_openid",
        "wechat_unionid",
        "last_login",
        "date_joined",
    )
    inlines = (ProfileTextInline,)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Profile"), {"fields": ("display_name", "bio", "avatar", "accepts_anonymous")}),
        (_("WeChat"), {"fields": ("wechat_openid", "wechat_unionid")}),
    )
    raw_id_fields = ("avatar",)
    actions = ("ban_users", "unban_users", "approve_held_profiles", "reject_held_profiles")

    @admin.action(description=_("Approve held display names and bios"), permissions=("change",))
    def approve_held_profiles(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.filter(HeldProfileFilter.held):
            services.profile_pending_decide(user=user, approve=True)
        self.message_user(request, gettext("Approved what was held."), messages.SUCCESS)

    @admin.action(description=_("Reject held display names and bios"), permissions=("change",))
    def reject_held_profiles(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.filter(HeldProfileFilter.held):
            services.profile_pending_decide(user=user, approve=False)
        self.message_user(request, gettext("Rejected what was held."), messages.SUCCESS)

    @admin.action(
        description=_("Ban selected users (deactivate, kill their sessions)"),
        permissions=("change",),
    )
    def ban_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset.filter(is_active=True).exclude(pk=request.user.pk):
            services.user_ban(user=user)
            count += 1
        self.message_user(
            request, gettext("Banned %(count)d user(s).") % {"count": count}, messages.SUCCESS
        )

    @admin.action(description=_("Unban selected users"), permissions=("change",))
    def unban_users(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset.filter(is_active=False):
            services.user_unban(user=user)
            count += 1
        self.message_user(
            request, gettext("Unbanned %(count)d user(s).") % {"count": count}, messages.SUCCESS
        )

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        # Unticking "active" in the form is a ban too: the same service, the same token kill.
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        if was_active and not obj.is_active:
            services.user_ban(user=obj)


@admin.register(Block)
class BlockAdmin(ReadOnlyModelAdmin):
    """Users' own blocks, for superusers to look at: blocks are made and removed only by the
    people who hold them, through the API and its services (an anonymous block names someone
    its holder must never learn, so nobody edits one here)."""

    list_display = ("id", "blocker", "blocked", "anonymous", "created_at")
    list_filter = ("anonymous",)
    search_fields = ("blocker__username", "blocked__username")
    list_select_related = ("blocker", "blocked")
    readonly_fields = ("blocker", "blocked", "anonymous", "created_at")
