"""Moderators fold a post (shown collapsed, with its reason) and lock its comments."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0006_claims"),
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
                    ("notice", "Wrote to the author"),
                    ("fold", "Fold (shown collapsed)"),
                    ("unfold", "Unfold"),
                    ("lock", "Lock comments"),
                    ("unlock", "Unlock comments"),
                ],
                max_length=10,
            ),
        ),
    ]
