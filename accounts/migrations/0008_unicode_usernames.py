"""Usernames of any script: each user's case-folded key (unique) and look-alike skeleton,
computed for the users there are (whose ASCII names, unique regardless of case already, give
distinct keys)."""

from django.db import migrations, models

import accounts.models


def fill(apps, schema_editor):
    from accounts import usernames

    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk", "username").iterator():
        User.objects.filter(pk=user.pk).update(
            username_key=usernames.key(user.username),
            username_skeleton=usernames.skeleton(user.username),
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_token_rotation")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.CharField(editable=False, max_length=150, null=True),
        ),
        migrations.AddField(
            model_name="user",
            name="username_skeleton",
            field=models.CharField(db_index=True, default="", editable=False, max_length=300),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="username_key",
            field=models.CharField(editable=False, max_length=150, unique=True),
        ),
        migrations.AlterField(
            model_name="user",
            name="username",
            field=models.CharField(
                error_messages={"unique": "That username is taken."},
                help_text="2 to 30 characters: letters of any script, digits and _; unique "
                "regardless of case and of look-alike characters",
                max_length=30,
                unique=True,
                validators=[accounts.models.username_validator],
            ),
        ),
    ]
