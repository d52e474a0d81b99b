"""Media is a moderated kind like every other (core.moderated.Moderated): its status follows
WeChat's check as it stands, in one statement over every row."""

from django.db import migrations, models
from django.db.models import Case, Value, When
from django.db.models.functions import Concat


def from_the_check(apps, schema_editor):
    Media = apps.get_model("media_app", "Media")
    label = Concat(Value(" ("), models.F("check_label"), Value(")"))
    Media.objects.update(
        status=Case(
            When(check_status__in=("checking", "review"), then=Value("pending")),
            When(check_status="rejected", then=Value("rejected")),
            default=Value("approved"),
        ),
        moderation_note=Case(
            When(check_status="checking", then=Value("image check: waiting for WeChat")),
            When(
                check_status="review",
                then=Concat(Value("image check: for moderators"), label),
            ),
            When(check_status="rejected", then=Concat(Value("image check: rejected"), label)),
            default=Value(""),
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("media_app", "0005_random_public_ids"),
    ]

    operations = [
        migrations.AddField(
            model_name="media",
            name="moderation_note",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name="media",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending review"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("hidden", "Hidden by moderators"),
                ],
                default="approved",
                max_length=10,
            ),
        ),
        migrations.RunPython(from_the_check, migrations.RunPython.noop),
    ]
