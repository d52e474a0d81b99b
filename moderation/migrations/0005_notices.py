"""The audit log names a notice to an author."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0004_appeals"),
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
                ],
                max_length=10,
            ),
        ),
    ]
