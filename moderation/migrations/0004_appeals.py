"""Appeals, and the Moderators group may decide them."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def moderators_decide_appeals(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure this one exists now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    appeals = Permission.objects.filter(
        content_type__app_label="moderation", codename__in=("view_appeal", "decide_appeal")
    )
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.add(*appeals)


def moderators_no_longer_decide_appeals(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    appeals = Permission.objects.filter(
        content_type__app_label="moderation", codename__in=("view_appeal", "decide_appeal")
    )
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(*appeals)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0003_sanctions"),
        ("messages_app", "0003_moderators_group"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="decision",
            name="action",
            field=models.CharField(
                choices=[
                    ("approve", "Approve"),
                    ("reject", "Reject"),
                    ("hide", "Hide"),
                    ("dismiss", "Dismiss reports"),
                    ("auto_hide", "Hidden automatically by reports"),
                    ("pin", "Pin"),
                    ("unpin", "Unpin"),
                    ("uphold", "Uphold on appeal"),
                    ("overturn", "Overturn on appeal"),
                ],
                max_length=10,
            ),
        ),
        migrations.CreateModel(
            name="Appeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=12)),
                ("target_id", models.BigIntegerField()),
                ("text", models.CharField(max_length=500)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for a moderator"),
                            ("upheld", "Upheld"),
                            ("overturned", "Overturned"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=500)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "appellant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="appeals",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ("created_at", "id"),
                "permissions": [("decide_appeal", "Can uphold or overturn appeals")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("appellant", "kind", "target_id"), name="one_appeal_per_thing"
                    )
                ],
            },
        ),
        migrations.RunPython(moderators_decide_appeals, moderators_no_longer_decide_appeals),
    ]
