"""A held display name or bio becomes a moderated kind of its own (accounts.ProfileText):
every value held on a user moves to a pending row, with the chain's note."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def held_texts_to_rows(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    ProfileText = apps.get_model("accounts", "ProfileText")
    held = User.objects.exclude(pending_display_name=None, pending_bio=None)
    rows = [
        ProfileText(user_id=user.pk, field=field, value=value, moderation_note=user.pending_note)
        for user in held.iterator()
        for field, value in (("display_name", user.pending_display_name), ("bio", user.pending_bio))
        if value is not None
    ]
    ProfileText.objects.bulk_create(rows, batch_size=1000)


def rows_to_held_texts(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    ProfileText = apps.get_model("accounts", "ProfileText")
    for text in ProfileText.objects.filter(status="pending").iterator():
        User.objects.filter(pk=text.user_id).update(
            **{f"pending_{text.field}": text.value, "pending_note": text.moderation_note}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_phone_digest"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProfileText",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending review"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                            ("hidden", "Hidden by moderators"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("moderation_note", models.CharField(blank=True, max_length=255)),
                (
                    "field",
                    models.CharField(
                        choices=[("display_name", "Display name"), ("bio", "Bio")], max_length=12
                    ),
                ),
                ("value", models.CharField(max_length=300)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="profile_texts",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ("created_at", "id"),
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("user", "field"),
                        name="one_pending_profile_text",
                    )
                ],
            },
        ),
        migrations.RunPython(held_texts_to_rows, rows_to_held_texts),
        migrations.RemoveField(
            model_name="user",
            name="pending_bio",
        ),
        migrations.RemoveField(
            model_name="user",
            name="pending_display_name",
        ),
        migrations.RemoveField(
            model_name="user",
            name="pending_note",
        ),
    ]
