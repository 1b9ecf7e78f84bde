from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('smart360_events', '0002_inbox_replays_and_dead_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='outboxevent',
            name='traceparent',
            field=models.CharField(blank=True, db_default='', default='', max_length=128),
        ),
    ]
