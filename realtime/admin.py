"""Notifications, for looking: they are written by services only."""

from django.contrib import admin

from core.admin_bases import ReadOnlyModelAdmin
from realtime.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "recipient", "type", "created_at", "read_at")
    list_filter = ("type",)
    search_fields = ("recipient__username",)
    list_select_related = ("recipient",)
    readonly_fields = ("recipient", "type", "data", "created_at", "read_at")
