"""The dashboard numbers: assets by condition and status, maintenance due and overdue, covers
expiring; a handful of aggregate queries, none per row."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet

from ax.assets.models import Asset, Grade
from ax.assets.selectors import UNASSESSED
from ax.covers.models import InsurancePolicy, MaintenanceContract
from ax.maintenance.models import MaintenanceDue
from smart360.domain.tenants import tenant_today

EXPIRING_DAYS = 30


def _by(rows: QuerySet[Any], field: str, values: dict[str, str]) -> dict[str, int]:
    """One aggregate query: a count per (label → stored value) of `field`."""
    return dict(rows.aggregate(**{label: Count("id", filter=Q(**{field: value}))
                                  for label, value in values.items()}))


def kpis(*, tenant_id: uuid.UUID) -> dict[str, Any]:
    today = tenant_today(tenant_id)
    live = Asset.objects.filter(tenant_id=tenant_id).exclude(status=Asset.Status.DECOMMISSIONED)
    soon = {"ends_on__gte": today, "ends_on__lte": today + timedelta(days=EXPIRING_DAYS)}
    dues = MaintenanceDue.objects.filter(tenant_id=tenant_id, status=MaintenanceDue.Status.OPEN)
    open_dues = dues.aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    return {
        "as_of": today,
        "assets_by_condition": _by(live, "condition",
                                   {**{g: g for g in Grade.values}, UNASSESSED: ""}),
        "assets_by_status": _by(Asset.objects.filter(tenant_id=tenant_id), "status",
                                {s: s for s in Asset.Status.values}),
        "maintenance_open": open_dues["open"],
        "maintenance_overdue": open_dues["overdue"],
        "covers_expiring": {
            "within_days": EXPIRING_DAYS,
            "contracts": MaintenanceContract.objects.filter(tenant_id=tenant_id, **soon).count(),
            "insurance": InsurancePolicy.objects.filter(tenant_id=tenant_id, **soon).count(),
        },
    }
