"""Tenant scoping: every query of a tenant-owned model is filtered by the caller's tenant.

Models: `objects = TenantManager()` gives `Model.objects.for_tenant(tid)`. Views: TenantScoped
narrows `get_queryset()` to the caller's tenant, so another tenant's object is simply a 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from smart360.identity.principal import Principal


class TenantScopedQuerySet(models.QuerySet):
    def for_tenant(self, tenant_id: uuid.UUID | str) -> TenantScopedQuerySet:
        return self.filter(tenant_id=tenant_id)


TenantManager = models.Manager.from_queryset(TenantScopedQuerySet)


def scoped(queryset: models.QuerySet[Any], tenant_id: uuid.UUID | str) -> models.QuerySet[Any]:
    """Any queryset of a model with tenant_id, narrowed to one tenant."""
    return queryset.filter(tenant_id=tenant_id)


def tenant_of(request: Request) -> uuid.UUID:
    """The caller's tenant; refuses (403) a caller outside any tenant."""
    user = getattr(request, "user", None)
    if not isinstance(user, Principal) or user.tenant_id is None:
        raise PermissionDenied("This endpoint needs a token that belongs to a tenant.")
    return user.tenant_id


class TenantScoped:
    """View mixin: `queryset` (or `get_base_queryset()`) is narrowed to the caller's tenant."""

    request: Request
    queryset: models.QuerySet[Any] | None = None

    def get_base_queryset(self) -> models.QuerySet[Any]:
        assert self.queryset is not None, f"{type(self).__name__} needs a queryset"
        return self.queryset.all()

    def get_queryset(self) -> models.QuerySet[Any]:
        return scoped(self.get_base_queryset(), tenant_of(self.request))

    @property
    def tenant_id(self) -> uuid.UUID:
        return tenant_of(self.request)
