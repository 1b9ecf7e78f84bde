"""Reads of preventive maintenance (always inside one tenant)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from ax.maintenance.models import MaintenanceDue, MaintenancePlan
from smart360.domain.tenants import tenant_today


def _given(**filters: object) -> dict[str, object]:
    return {k: v for k, v in filters.items() if v not in (None, "")}


def plan_list(*, tenant_id: uuid.UUID, asset: int | None = None, kind: str = "",
              active: bool | None = None) -> QuerySet[MaintenancePlan]:
    return MaintenancePlan.objects.filter(tenant_id=tenant_id, **_given(
        asset_id=asset, kind=kind, active=active))


def plan_detail(*, tenant_id: uuid.UUID, plan_id: int) -> MaintenancePlan | None:
    return MaintenancePlan.objects.filter(tenant_id=tenant_id, pk=plan_id).first()


def due_list(*, tenant_id: uuid.UUID, plan: int | None = None, asset: int | None = None,
             status: str = "", overdue: bool | None = None) -> QuerySet[MaintenanceDue]:
    rows = MaintenanceDue.objects.filter(tenant_id=tenant_id, **_given(
        plan_id=plan, asset_id=asset, status=status))
    if overdue is not None:
        late = {"status": MaintenanceDue.Status.OPEN, "due_on__lt": tenant_today(tenant_id)}
        rows = rows.filter(**late) if overdue else rows.exclude(**late)
    return rows


def due_detail(*, tenant_id: uuid.UUID, due_id: int) -> MaintenanceDue | None:
    return MaintenanceDue.objects.filter(tenant_id=tenant_id, pk=due_id).first()
