"""Platform default templates (tenant NULL). Tenants may add their own to override them."""

from django.db import migrations

TEMPLATES = [
    {
        "event_type": "cx.consumer.created",
        "channel": "email",
        "locale": "en",
        "subject": "Welcome to your utility, {{ name }}",
        "body": (
            "Hello {{ name }},\n\nWelcome! Your consumer number is {{ number }}.\n"
            "Keep it at hand when you contact us.\n\n-- Smart360\n"
        ),
    },
    {
        "event_type": "cx.consumer.created",
        "channel": "email",
        "locale": "es",
        "subject": "Bienvenido, {{ name }}",
        "body": "Hola {{ name }},\n\nSu número de cliente es {{ number }}.\n\n-- Smart360\n",
    },
    {
        "event_type": "cx.connection.activated",
        "channel": "email",
        "locale": "en",
        "subject": "Your connection is active",
        "body": "Hello {{ name }},\n\nYour connection is now active.\n\n-- Smart360\n",
    },
]


def seed(apps, schema_editor):
    Template = apps.get_model("messaging", "Template")
    for row in TEMPLATES:
        Template.objects.update_or_create(
            tenant_id=None, event_type=row["event_type"], channel=row["channel"],
            locale=row["locale"], defaults={"subject": row["subject"], "body": row["body"]},
        )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
