"""The Moderators group, with exactly what a moderator needs: see confessions, replies,
reports and the audit log; decide about confessions and replies; keep the word list. No right
to change a confession's text, any user, or the audit log."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = {
    "messages_app": [
        "view_confession",
        "moderate_confession",
        "view_queuedconfession",
        "view_reply",
        "moderate_reply",
        "view_report",
        "view_moderationdecision",
        "view_bannedphrase",
        "add_bannedphrase",
        "change_bannedphrase",
        "delete_bannedphrase",
    ],
    # Not media_app's admin: it lists each upload's owner, which would unmask anonymous
    # senders. Moderators see a confession's media on its page, through signed URLs.
}


def create_moderators(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codenames in MODERATOR_PERMISSIONS.items()
        for codename in codenames
    ]
    group.permissions.set(permissions)


def remove_moderators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("messages_app", "0002_moderation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators, remove_moderators)]
