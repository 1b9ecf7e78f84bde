"""Reads of plans and versions: a plan's current version as of the tenant's today."""

from __future__ import annotations

import uuid

from django.db.models import DateField, Prefetch, QuerySet, Value

from onboarding.common import tenant_today
from onboarding.tariffs.models import Plan, TariffVersion


def plan_list(*, tenant_id: uuid.UUID, utility_service: int | None = None,
              category: int | None = None) -> QuerySet[Plan]:
    """Plans with their versions prefetched (one query for a page's versions) and `as_of`."""
    rows = (Plan.objects.filter(tenant_id=tenant_id)
            .annotate(as_of=Value(tenant_today(tenant_id), output_field=DateField()))
            .prefetch_related(Prefetch("versions", queryset=TariffVersion.objects.all())))
    if utility_service is not None:
        rows = rows.filter(utility_service_id=utility_service)
    if category is not None:
        rows = rows.filter(category_id=category)
    return rows


def plan_get(*, tenant_id: uuid.UUID, pk: int) -> Plan | None:
    return plan_list(tenant_id=tenant_id).filter(pk=pk).first()


def version_list(*, tenant_id: uuid.UUID, plan_id: int) -> QuerySet[TariffVersion] | None:
    if not Plan.objects.filter(tenant_id=tenant_id, pk=plan_id).exists():
        return None
    return TariffVersion.objects.filter(tenant_id=tenant_id, plan_id=plan_id)
