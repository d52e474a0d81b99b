"""A first look at confessions in the admin; the moderation desk builds on it."""

from django.contrib import admin

from messages_app.models import Confession, Match, Reply


@admin.register(Confession)
class ConfessionAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "anonymous", "created_at", "delivered_at", "read_at")
    list_filter = ("status", "anonymous", "suppressed")
    date_hierarchy = "created_at"
    search_fields = ("body",)
    readonly_fields = [field.name for field in Confession._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ("id", "confession", "created_at")
    readonly_fields = [field.name for field in Reply._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at")
    readonly_fields = [field.name for field in Match._meta.fields]

    def has_add_permission(self, request):
        return False
