from django.db import migrations, models


def rejected_wait_for_another(apps, schema_editor):
    """A REJECTED order from before (set by hand) waits for another technician now: the one who
    had it is who declined it."""
    WorkOrder = apps.get_model("workorders", "WorkOrder")
    for order in WorkOrder.objects.filter(status="REJECTED", technician__isnull=False):
        WorkOrder.objects.filter(pk=order.pk).update(rejected_by=[order.technician_id],
                                                     technician=None)


class Migration(migrations.Migration):

    dependencies = [
        ('workorders', '0002_workorders_technicians_sops'),
    ]

    operations = [
        migrations.AddField(
            model_name='workorder',
            name='rejected_by',
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name='workorder',
            name='rejection_reason',
            field=models.TextField(blank=True),
        ),
        # REJECTED is open now (it waits for another technician): the SLA monitor's index keeps it.
        migrations.RemoveIndex(
            model_name='workorder',
            name='workorder_sla_open_idx',
        ),
        migrations.AddIndex(
            model_name='workorder',
            index=models.Index(condition=models.Q(('sla_breached_at__isnull', True), models.Q(('status__in', ['COMPLETED', 'CLOSED', 'FAILED', 'CANCELLED']), _negated=True)), fields=['due_at'], name='workorder_sla_open_idx'),
        ),
        migrations.AddIndex(
            model_name='workorder',
            index=models.Index(condition=models.Q(('status__in', ['CREATED', 'REJECTED'])), fields=['due_at', 'id'], name='workorder_waiting_idx'),
        ),
        migrations.RunPython(rejected_wait_for_another, migrations.RunPython.noop),
    ]
