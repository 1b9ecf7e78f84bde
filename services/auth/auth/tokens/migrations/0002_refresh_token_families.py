import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    """Refresh-token families. Existing tokens each get a family of their own: a single default
    for every row would put all users in one family, and one reuse would log out everybody."""

    dependencies = [("tokens", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="refreshtoken", name="family",
            field=models.UUIDField(null=True, db_index=True),
        ),
        migrations.RunSQL("UPDATE tokens_refreshtoken SET family = gen_random_uuid()",
                          migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="refreshtoken", name="family",
            field=models.UUIDField(default=uuid.uuid4, db_index=True),
        ),
        migrations.AddField(
            model_name="refreshtoken", name="rotated_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
