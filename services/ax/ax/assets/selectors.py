"""Reads of the registry (always inside one tenant)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from ax.assets.models import (
    Asset,
    AssetCategory,
    AssetType,
    ConditionAssessment,
    Plant,
    ServiceRecord,
    Unit,
)

UNASSESSED = "UNASSESSED"


def _given(**filters: Any) -> dict[str, Any]:
    return {k: v for k, v in filters.items() if v not in (None, "")}


def plant_list(*, tenant_id: uuid.UUID, search: str = "", area: int | None = None
               ) -> QuerySet[Plant]:
    rows = Plant.objects.filter(tenant_id=tenant_id, **_given(area_id=area))
    if search:
        rows = rows.filter(Q(code__iexact=search) | Q(name__icontains=search))
    return rows


def unit_list(*, tenant_id: uuid.UUID, plant: int | None = None, search: str = ""
              ) -> QuerySet[Unit]:
    rows = Unit.objects.filter(tenant_id=tenant_id, **_given(plant_id=plant))
    if search:
        rows = rows.filter(Q(code__iexact=search) | Q(name__icontains=search))
    return rows


def category_list(*, tenant_id: uuid.UUID) -> QuerySet[AssetCategory]:
    return AssetCategory.objects.filter(tenant_id=tenant_id)


def asset_type_list(*, tenant_id: uuid.UUID, category: int | None = None) -> QuerySet[AssetType]:
    return AssetType.objects.filter(tenant_id=tenant_id, **_given(category_id=category))


def asset_list(*, tenant_id: uuid.UUID, search: str = "", plant: int | None = None,
               unit: int | None = None, asset_type: int | None = None,
               category: int | None = None, area: int | None = None, status: str = "",
               condition: str = "") -> QuerySet[Asset]:
    rows = Asset.objects.filter(tenant_id=tenant_id).select_related(
        "unit", "asset_type").filter(**_given(
            unit__plant_id=plant, unit_id=unit, asset_type_id=asset_type,
            asset_type__category_id=category, area_id=area, status=status))
    if condition:
        rows = rows.filter(condition="" if condition == UNASSESSED else condition)
    if search:
        rows = rows.filter(Q(tag__iexact=search) | Q(serial_number__iexact=search)
                           | Q(name__icontains=search))
    return rows


def asset_detail(*, tenant_id: uuid.UUID, asset_id: int) -> Asset | None:
    return (Asset.objects.select_related("unit", "asset_type")
            .filter(tenant_id=tenant_id, pk=asset_id).first())


def assessment_list(*, tenant_id: uuid.UUID, asset_id: int) -> QuerySet[ConditionAssessment]:
    return ConditionAssessment.objects.filter(tenant_id=tenant_id, asset_id=asset_id)


def service_record_list(*, tenant_id: uuid.UUID, asset_id: int) -> QuerySet[ServiceRecord]:
    return ServiceRecord.objects.filter(tenant_id=tenant_id, asset_id=asset_id)


def asset_exists(*, tenant_id: uuid.UUID, asset_id: int) -> bool:
    return Asset.objects.filter(tenant_id=tenant_id, pk=asset_id).exists()


def plant_detail(*, tenant_id: uuid.UUID, plant_id: int) -> Plant | None:
    return Plant.objects.filter(tenant_id=tenant_id, pk=plant_id).first()


def unit_detail(*, tenant_id: uuid.UUID, unit_id: int) -> Unit | None:
    return Unit.objects.filter(tenant_id=tenant_id, pk=unit_id).first()
