# Readings keep created_at's local date, weekday and hour (TIME_ZONE) so that the history
# aggregates group on plain columns instead of converting every row's timestamp.

import django.utils.timezone
from django.db import migrations, models
from django.utils import timezone

BATCH = 2000


def localise(apps, schema_editor):
    MoodCapture = apps.get_model("moods", "MoodCapture")
    captures = MoodCapture.objects.only("id", "created_at").order_by("id")
    last = 0
    while batch := list(captures.filter(id__gt=last)[:BATCH]):
        for capture in batch:
            local = timezone.localtime(capture.created_at)
            capture.local_date, capture.local_weekday, capture.local_hour = local.date(), local.weekday(), local.hour
        MoodCapture.objects.bulk_update(batch, ["local_date", "local_weekday", "local_hour"])
        last = batch[-1].id


class Migration(migrations.Migration):

    dependencies = [
        ('moods', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='moodcapture',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name='moodcapture',
            name='local_date',
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='moodcapture',
            name='local_weekday',
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='moodcapture',
            name='local_hour',
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(localise, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='moodcapture',
            name='local_date',
            field=models.DateField(editable=False),
        ),
        migrations.AlterField(
            model_name='moodcapture',
            name='local_weekday',
            field=models.PositiveSmallIntegerField(editable=False),
        ),
        migrations.AlterField(
            model_name='moodcapture',
            name='local_hour',
            field=models.PositiveSmallIntegerField(editable=False),
        ),
        migrations.AddIndex(
            model_name='moodcapture',
            index=models.Index(fields=['user', 'local_date', 'emotion'], name='capture_user_days'),
        ),
        migrations.AddIndex(
            model_name='moodcapture',
            index=models.Index(fields=['user', 'local_weekday', 'local_hour', 'emotion'], name='capture_user_hours'),
        ),
    ]
