"""Moderators (the group the confessions app made) see and decide about wall posts and
comments, their reports and the walls' audit log; they change no text, no wall."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    "view_wall",
    "view_post",
    "moderate_post",
    "view_comment",
    "moderate_comment",
    "view_wallreport",
    "view_walldecision",
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="walls", codename__in=PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="walls", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("walls", "0003_decisions"),
        ("messages_app", "0003_moderators_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
