"""The moderators' desk for walls: approve, hide or reject posts and comments."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet

from walls.models import Comment, Post, Status, Wall, WallReport


@admin.register(Wall)
class WallAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "invite_only", "moderation", "created_at")
    prepopulated_fields = {"slug": ("name",)}


def _set_status(status: str, label: str):
    @admin.action(description=label)
    def action(modeladmin, request, queryset: QuerySet) -> None:
        changed = queryset.exclude(status=status).update(status=status)
        modeladmin.message_user(request, f"{changed} changed.")

    action.__name__ = f"mark_{status}"
    return action


_ACTIONS = [_set_status(Status.APPROVED, "Approve (make public)"),
            _set_status(Status.HIDDEN, "Hide"),
            _set_status(Status.REJECTED, "Reject")]  # fmt: skip


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("id", "wall", "author", "anonymous", "status", "created_at", "deleted_at")
    list_filter = ("status", "wall", "anonymous")
    search_fields = ("body", "to")
    raw_id_fields = ("author",)
    actions = _ACTIONS


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "post", "author", "anonymous", "status", "created_at", "deleted_at")
    list_filter = ("status", "anonymous")
    search_fields = ("body",)
    raw_id_fields = ("author", "post", "parent")
    actions = _ACTIONS


@admin.register(WallReport)
class WallReportAdmin(admin.ModelAdmin):
    list_display = ("id", "post", "comment", "reporter", "category", "created_at", "resolved_at")
    raw_id_fields = ("post", "comment", "reporter")
