"""Reads of the catalog, always within one tenant."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from onboarding.catalog.models import (
    Category,
    ContractType,
    DocumentType,
    EnabledModule,
    UtilityService,
)


def utility_service_list(*, tenant_id: uuid.UUID, code: str | None = None,
                         metered: bool | None = None) -> QuerySet[UtilityService]:
    rows = UtilityService.objects.filter(tenant_id=tenant_id)
    if code:
        rows = rows.filter(code=code.lower())
    if metered is not None:
        rows = rows.filter(metered=metered)
    return rows


def utility_service_get(*, tenant_id: uuid.UUID, pk: int) -> UtilityService | None:
    return UtilityService.objects.filter(tenant_id=tenant_id, pk=pk).first()


def category_list(*, tenant_id: uuid.UUID, utility_service: int | None = None,
                  parent: int | None = None, top_level: bool | None = None) -> QuerySet[Category]:
    rows = Category.objects.filter(tenant_id=tenant_id)
    if utility_service is not None:
        rows = rows.filter(utility_service_id=utility_service)
    if parent is not None:
        rows = rows.filter(parent_id=parent)
    if top_level is not None:
        rows = rows.filter(parent__isnull=top_level)
    return rows


def category_get(*, tenant_id: uuid.UUID, pk: int) -> Category | None:
    return Category.objects.filter(tenant_id=tenant_id, pk=pk).first()


def document_type_list(*, tenant_id: uuid.UUID) -> QuerySet[DocumentType]:
    return DocumentType.objects.filter(tenant_id=tenant_id)


def contract_type_list(*, tenant_id: uuid.UUID) -> QuerySet[ContractType]:
    return ContractType.objects.filter(tenant_id=tenant_id)


def module_list(*, tenant_id: uuid.UUID) -> QuerySet[EnabledModule]:
    return EnabledModule.objects.filter(tenant_id=tenant_id)
