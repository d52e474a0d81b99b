"""An avatar is media in use, like media a confession carries: `attached_at` says so, for
every rule that asks whether media is in use (deletion, attaching, cleanup)."""

from django.db import migrations


def mark_avatars_in_use(apps, schema_editor):
    from django.utils import timezone

    Media = apps.get_model("media_app", "Media")
    User = apps.get_model("accounts", "User")
    avatars = User.objects.filter(avatar__isnull=False).values("avatar")
    Media.objects.filter(pk__in=avatars, attached_at__isnull=True).update(
        attached_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("media_app", "0001_initial"),
        ("accounts", "0002_profile_wechat_blocks"),
    ]

    operations = [migrations.RunPython(mark_avatars_in_use, migrations.RunPython.noop)]
