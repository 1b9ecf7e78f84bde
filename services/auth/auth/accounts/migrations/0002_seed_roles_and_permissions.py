"""Permissions per service module (read/write) and the system roles every tenant can assign."""

from django.db import migrations

MODULES = [
    "auth.users", "auth.roles", "auth.departments", "auth.invitations",
    "onboarding.organization", "onboarding.tariffs", "onboarding.service_areas",
    "cx.consumers", "cx.applications", "cx.service_requests",
    "mx.meters", "mx.readings", "mx.read_cycles",
    "bx.bill_runs", "bx.bills", "rx.ledger", "rx.payments", "rx.dunning",
    "wx.work_orders", "wx.technicians", "ax.assets", "ax.contracts",
    "notification.templates", "notification.deliveries",
]
ROLES = {
    "admin": ["*"],  # a tenant's administrator: everything inside the tenant
    "service": ["*"],  # service accounts (service-to-service calls)
    "ops": [f"{m}.read" for m in MODULES],  # platform operations: read-only + ops endpoints
    "viewer": [f"{m}.read" for m in MODULES],
    "clerk": [f"{m}.{a}" for m in MODULES if m.startswith(("cx.", "rx.")) for a in ("read", "write")],
}


def seed(apps, schema_editor):
    Permission = apps.get_model("accounts", "Permission")
    Role = apps.get_model("accounts", "Role")
    codes = ["*"] + [f"{m}.{a}" for m in MODULES for a in ("read", "write")]
    for code in codes:
        Permission.objects.get_or_create(code=code)
    for name, granted in ROLES.items():
        role, _ = Role.objects.get_or_create(name=name, tenant_id=None)
        role.permissions.set(Permission.objects.filter(code__in=granted))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
