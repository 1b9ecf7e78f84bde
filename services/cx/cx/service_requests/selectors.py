"""Reads of the catalog, service requests and complaints (always inside one tenant)."""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.db.models import Q, QuerySet

from cx.service_requests.models import CatalogService, Complaint, ServiceRequest

T = TypeVar("T", ServiceRequest, Complaint)


def catalog_list(*, tenant_id: uuid.UUID, search: str = "", active: bool | None = None,
                 priority: str = "") -> QuerySet[CatalogService]:
    rows = CatalogService.objects.filter(tenant_id=tenant_id)
    if search:
        rows = rows.filter(Q(code__iexact=search) | Q(name__icontains=search))
    if active is not None:
        rows = rows.filter(active=active)
    return rows.filter(priority=priority) if priority else rows


def catalog_get(*, tenant_id: uuid.UUID, service_id: int) -> CatalogService | None:
    return CatalogService.objects.filter(tenant_id=tenant_id, pk=service_id).first()


def tracked_list(model: type[T], *, tenant_id: uuid.UUID, search: str = "", status: str = "",
                 priority: str = "", consumer: int | None = None, account: str = "",
                 breached: bool | None = None, **exact: object) -> QuerySet[T]:
    """Requests or complaints, newest first, with their consumer and account (one query)."""
    rows = model.objects.filter(tenant_id=tenant_id).select_related("consumer", "account")
    if search:
        rows = rows.filter(Q(number__iexact=search) | Q(consumer__name__icontains=search)
                           | Q(description__icontains=search))
    if breached is not None:
        rows = rows.filter(breached_at__isnull=not breached)
    filters = {"status": status, "priority": priority, "consumer_id": consumer,
               "account__number": account, **exact}
    return rows.filter(**{k: v for k, v in filters.items() if v not in (None, "")})


def tracked_get(model: type[T], *, tenant_id: uuid.UUID, pk: int) -> T | None:
    return model.objects.filter(tenant_id=tenant_id, pk=pk).select_related("consumer", "account").first()
