# The flat registry (asset plant/category as strings, one contract per asset) had no API and no
# data worth keeping; 0003 creates the hierarchy in its place.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("assets", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="MaintenanceContract"),
        migrations.DeleteModel(name="Asset"),
    ]
