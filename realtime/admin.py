from django.contrib import admin

from realtime.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "recipient", "type", "created_at", "read_at")
    list_filter = ("type",)
    search_fields = ("recipient__username",)
    raw_id_fields = ("recipient",)
    list_select_related = ("recipient",)

    # Notifications are written by services only; the admin is for looking.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
