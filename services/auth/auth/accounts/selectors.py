"""Reads of accounts."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from auth.accounts.models import Role, User


def users() -> QuerySet[User]:
    return User.objects.prefetch_related("roles").select_related("department").order_by("email")


def roles_visible(*, tenant_id: uuid.UUID) -> QuerySet[Role]:
    """System roles plus the tenant's own."""
    return (
        Role.objects.filter(Q(tenant_id__isnull=True) | Q(tenant_id=tenant_id))
        .prefetch_related("permissions").order_by("name")
    )
