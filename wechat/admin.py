from django.contrib import admin

from core.admin_bases import ReadOnlyModelAdmin
from wechat.models import PushEvent, SubscribeCredit, SubscribeMessage


@admin.register(SubscribeCredit)
class SubscribeCreditAdmin(ReadOnlyModelAdmin):
    list_display = ("user", "template_id", "credits", "updated_at")
    search_fields = ("user__username", "template_id")


@admin.register(SubscribeMessage)
class SubscribeMessageAdmin(ReadOnlyModelAdmin):
    list_display = ("notification", "user", "template_id", "outcome", "errcode", "created_at")
    list_filter = ("outcome",)


@admin.register(PushEvent)
class PushEventAdmin(ReadOnlyModelAdmin):
    list_display = ("event", "openid", "received_at", "processed_at", "outcome")
    list_filter = ("event", "outcome")
