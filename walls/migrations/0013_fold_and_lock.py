"""Moderators fold a post (shown collapsed, with its reason) and lock its comments."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("walls", "0012_one_moderation_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="comments_locked",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="post",
            name="folded_reason",
            field=models.CharField(blank=True, max_length=16),
        ),
    ]
