"""The KPIs: counts by status, SLA breaches, connections this month (the tenant's month)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cx.applications.models import Application
from cx.consumers.models import Account, Consumer
from cx.service_requests.models import DONE, Complaint, ServiceRequest, Status
from smart360.domain.tenants import tenant_zone


def _by(rows: QuerySet[Any], field: str, values: list[str], **extra: Any) -> dict[str, int]:
    """One aggregate query: a count per value of `field`, plus `extra` conditional counts."""
    counts = {v: Count("id", filter=Q(**{field: v})) for v in values}
    return dict(rows.aggregate(**counts, **extra))


def _tracked(model: type[ServiceRequest] | type[Complaint], tenant_id: uuid.UUID) -> dict[str, Any]:
    open_work = ~Q(status__in=DONE)
    found = _by(model.objects.filter(tenant_id=tenant_id), "status", list(Status.values),
                breached=Count("id", filter=Q(breached_at__isnull=False)),
                response_breached=Count("id", filter=Q(response_breached_at__isnull=False)),
                open_breached=Count("id", filter=Q(breached_at__isnull=False) & open_work))
    breaches = {k: found.pop(k) for k in ("breached", "response_breached", "open_breached")}
    return {"by_status": found, "sla_breaches": {"resolution": breaches["breached"],
                                                 "response": breaches["response_breached"],
                                                 "open": breaches["open_breached"]}}


def kpis(*, tenant_id: uuid.UUID) -> dict[str, Any]:
    zone = tenant_zone(tenant_id)
    today = timezone.now().astimezone(zone).date()
    month_start = datetime(today.year, today.month, 1, tzinfo=zone)
    accounts = _by(Account.objects.filter(tenant_id=tenant_id), "status", list(Account.Status.values),
                   this_month=Count("id", filter=Q(connected_at__gte=month_start)))
    return {
        "as_of": today,
        "consumers": _by(Consumer.objects.filter(tenant_id=tenant_id), "status",
                         list(Consumer.Status.values)),
        "connections_this_month": accounts.pop("this_month"),
        "accounts": accounts,
        "applications": _by(Application.objects.filter(tenant_id=tenant_id), "stage",
                            list(Application.Stage.values)),
        "service_requests": _tracked(ServiceRequest, tenant_id),
        "complaints": _tracked(Complaint, tenant_id),
    }
