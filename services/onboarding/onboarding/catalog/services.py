"""Writes of the catalog: each create announces itself where other services project it."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from onboarding.catalog.models import (
    Category,
    ContractType,
    DocumentType,
    EnabledModule,
    UtilityService,
)
from onboarding.common import order_conflict, unique_or_conflict
from smart360.contracts.onboarding import CategoryCreated, UtilityServiceCreated
from smart360.errors import NotFound, ValidationFailed
from smart360.events.outbox import publish


def utility_service_create(*, tenant_id: uuid.UUID, code: str, name: str, unit: str,
                           metered: bool = True) -> UtilityService:
    code = code.lower()
    with transaction.atomic():
        with unique_or_conflict(f"A utility service with code {code!r} already exists."):
            service = UtilityService.objects.create(tenant_id=tenant_id, code=code, name=name,
                                                    unit=unit, metered=metered)
        publish(UtilityServiceCreated(utility_service_id=service.pk, code=service.code,
                                      name=service.name, unit=service.unit,
                                      metered=service.metered), tenant_id=tenant_id)
    return service


def category_create(*, tenant_id: uuid.UUID, name: str, utility_service: int,
                    parent: int | None = None) -> Category:
    service = UtilityService.objects.filter(tenant_id=tenant_id, pk=utility_service).first()
    if service is None:
        raise order_conflict(f"Utility service {utility_service} does not exist: create the "
                             "utility service before its categories.")
    parent_row = None
    if parent is not None:
        parent_row = Category.objects.filter(tenant_id=tenant_id, pk=parent).first()
        if parent_row is None:
            raise order_conflict(f"Category {parent} does not exist: create the parent category "
                                 "before its subcategories.")
        if parent_row.utility_service_id != service.pk:
            raise ValidationFailed("A subcategory belongs to its parent's utility service.",
                                   errors={"parent": "The parent is a category of another service."})
        if parent_row.parent_id is not None:
            raise ValidationFailed("Subcategories have no subcategories.",
                                   errors={"parent": "The parent must be a top-level category."})
    with transaction.atomic():
        with unique_or_conflict(f"The service already has a category named {name!r}."):
            category = Category.objects.create(tenant_id=tenant_id, name=name,
                                               utility_service=service, parent=parent_row)
        publish(CategoryCreated(category_id=category.pk, name=category.name,
                                utility_service_id=service.pk, parent_id=category.parent_id),
                tenant_id=tenant_id)
    return category


def document_type_create(*, tenant_id: uuid.UUID, **fields: Any) -> DocumentType:
    with unique_or_conflict(f"Document type {fields['code']!r} already exists."):
        return DocumentType.objects.create(tenant_id=tenant_id, **fields)


def contract_type_create(*, tenant_id: uuid.UUID, **fields: Any) -> ContractType:
    with unique_or_conflict(f"Contract type {fields['code']!r} already exists."):
        return ContractType.objects.create(tenant_id=tenant_id, **fields)


def module_enable(*, tenant_id: uuid.UUID, module: str) -> EnabledModule:
    with unique_or_conflict(f"Module {module!r} is already enabled."):
        return EnabledModule.objects.create(tenant_id=tenant_id, module=module)


def tenant_row_delete(model: type[DocumentType | ContractType | EnabledModule], *,
                      tenant_id: uuid.UUID, pk: int) -> None:
    deleted, _ = model.objects.filter(tenant_id=tenant_id, pk=pk).delete()
    if not deleted:
        raise NotFound(f"No such {model._meta.verbose_name}.")
