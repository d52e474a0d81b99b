from django.contrib import admin

from media_app.models import Media


@admin.register(Media)
class MediaAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "kind", "content_type", "size", "created_at", "attached_at")
    list_filter = ("kind", "content_type")
    search_fields = ("owner__username", "sha256")
    raw_id_fields = ("owner",)
    list_select_related = ("owner",)
    readonly_fields = [field.name for field in Media._meta.fields]

    # Uploads come only through the API's checks.
    def has_add_permission(self, request):
        return False
