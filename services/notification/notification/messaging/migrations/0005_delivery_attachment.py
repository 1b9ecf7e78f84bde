"""A delivery may attach a document fetched at send time (the bill PDF of bx.bill.issued)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("messaging", "0004_statuses_and_default_templates")]
    operations = [
        migrations.AddField(
            model_name="delivery",
            name="attachment",
            field=models.CharField(blank=True, default="", max_length=300),
        ),
    ]
