"""Delivery statuses in capitals (QUEUED, SENT, …); the platform's default templates for every
event notification handles (notification.messaging.defaults; tenants override them)."""

from django.db import migrations

STATUSES = {"pending": "QUEUED", "sending": "SENDING", "sent": "SENT", "failed": "FAILED",
            "dead": "DEAD"}


def forward(apps, schema_editor):
    from notification.messaging.defaults import TEMPLATES

    Delivery = apps.get_model("messaging", "Delivery")
    for old, new in STATUSES.items():
        Delivery.objects.filter(status=old).update(status=new)
    Template = apps.get_model("messaging", "Template")
    for row in TEMPLATES:
        Template.objects.update_or_create(
            tenant_id=None, event_type=row["event_type"], channel=row["channel"],
            locale=row["locale"], defaults={"subject": row["subject"], "body": row["body"]},
        )


def backward(apps, schema_editor):
    Delivery = apps.get_model("messaging", "Delivery")
    for old, new in STATUSES.items():
        Delivery.objects.filter(status=new).update(status=old)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0003_hub")]
    operations = [migrations.RunPython(forward, backward)]
