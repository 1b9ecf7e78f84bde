"""Roles and permissions used to be seeded here from a hard-coded list. They now come from the
registry after every migrate (auth.accounts.roles.roles_seed); this migration is kept, empty,
because databases have it applied."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations: list = []
