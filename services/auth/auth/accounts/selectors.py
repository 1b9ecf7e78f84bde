"""Reads of accounts (inside one tenant)."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from auth.accounts.models import Department, Invitation, Role, User
from smart360.registry import load


def user_list(*, tenant_id: uuid.UUID) -> QuerySet[User]:
    return (User.objects.filter(tenant_id=tenant_id).prefetch_related("roles")
            .select_related("department"))


def roles_assignable(*, tenant_id: uuid.UUID) -> QuerySet[Role]:
    """The platform's tenant roles plus the tenant's own (never platform roles)."""
    return (
        Role.objects.filter(Q(tenant_id__isnull=True, name__in=list(load().tenant_roles))
                            | Q(tenant_id=tenant_id))
        .prefetch_related("permissions")
    )


def department_list(*, tenant_id: uuid.UUID) -> QuerySet[Department]:
    return Department.objects.filter(tenant_id=tenant_id)


def invitation_list(*, tenant_id: uuid.UUID) -> QuerySet[Invitation]:
    return Invitation.objects.filter(tenant_id=tenant_id).select_related("role", "department")
