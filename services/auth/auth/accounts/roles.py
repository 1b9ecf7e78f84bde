"""Roles and permissions come from the registry (services.toml `modules` and `[roles]`): auth
seeds them after every migrate, idempotently, so a new module never touches auth's migrations.

Tenant roles (admin, clerk, …) are what a tenant admin may give its people; platform roles (ops,
service) are for Smart360's own operators and service accounts, never a tenant's user.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from auth.accounts.models import Permission, Role
from smart360.registry import load


@transaction.atomic
def roles_seed(**signal: Any) -> dict[str, int]:
    registry = load()
    grants = {**registry.tenant_roles, **registry.platform_roles}
    codes = set(registry.permission_codes()) | {p for g in grants.values() for p in g}
    Permission.objects.bulk_create([Permission(code=c) for c in sorted(codes)],
                                   ignore_conflicts=True)
    for name, patterns in grants.items():
        role, _ = Role.objects.get_or_create(name=name, tenant_id=None)
        role.permissions.set(Permission.objects.filter(code__in=patterns))
    return {"permissions": len(codes), "roles": len(grants)}


def is_platform_role(name: str) -> bool:
    return name in load().platform_roles


def tenant_assignable(role: Role, *, tenant_id: Any) -> bool:
    """A system tenant role, or one of the tenant's own roles; never a platform role."""
    if role.tenant_id is None:
        return role.name in load().tenant_roles
    return bool(role.tenant_id == tenant_id) and not is_platform_role(role.name)
