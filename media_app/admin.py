"""The uploads, for superusers: it shows each upload's owner, which would unmask anonymous
senders, so to anyone else the owner is hidden and cannot be filtered, searched or sorted by.
Read-only: uploads come only through the API's checks and go only through its rules (media in
use is not deleted; `media_cleanup` takes what was never used)."""

from django.contrib import admin

from core.admin_bases import PeopleGuardedAdmin, ReadOnlyModelAdmin
from media_app.models import Media


@admin.register(Media)
class MediaAdmin(PeopleGuardedAdmin, ReadOnlyModelAdmin):
    list_display = ("id", "owner", "kind", "content_type", "size", "created_at", "attached_at")
    list_filter = ("kind", "content_type")
    person_fields = {"owner": None}
    search_fields = ("owner__username", "sha256")
    moderator_search_fields = ("sha256",)
    list_select_related = ("owner",)
    fields = [field.name for field in Media._meta.fields]
