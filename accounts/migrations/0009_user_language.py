# Each user's language, for what we tell them outside their requests (subscribe messages).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_unicode_usernames"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="language",
            field=models.CharField(
                blank=True,
                choices=[("en", "English"), ("zh-hans", "简体中文")],
                default="",
                help_text="What we tell this user outside a request of theirs (WeChat subscribe messages) is in this language: set from their sign-in's Accept-Language, or by themselves. Empty: not known (subscribe messages are then in Chinese).",
                max_length=10,
            ),
        ),
    ]
