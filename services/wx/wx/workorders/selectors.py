"""Reads of wx (always inside one tenant)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from smart360.domain.tenants import tenant_today
from wx.workorders.assignment import WAITING
from wx.workorders.models import Kind, Sop, Technician, WorkOrder

OPEN = ~Q(status__in=WorkOrder.FINISHED)


def work_order_list(*, tenant_id: uuid.UUID, source: str = "", status: str = "", kind: str = "",
                    technician: int | None = None, area: int | None = None, priority: str = "",
                    overdue: bool | None = None, request_key: str = "") -> QuerySet[WorkOrder]:
    rows = WorkOrder.objects.filter(tenant_id=tenant_id).select_related("technician")
    filters = {"source": source, "status": status, "kind": kind, "technician_id": technician,
               "area": area, "priority": priority, "request_key": request_key}
    rows = rows.filter(**{k: v for k, v in filters.items() if v not in (None, "")})
    if overdue is not None:
        late = Q(sla_breached_at__isnull=False) & OPEN
        rows = rows.filter(late) if overdue else rows.exclude(late)
    return rows


def work_order_detail(*, tenant_id: uuid.UUID, work_order_id: int) -> WorkOrder | None:
    return (WorkOrder.objects.filter(tenant_id=tenant_id, pk=work_order_id)
            .select_related("technician").first())


def technician_list(*, tenant_id: uuid.UUID, zone: int | None = None, skill: str = "",
                    status: str = "") -> QuerySet[Technician]:
    rows = (Technician.objects.filter(tenant_id=tenant_id)
            .annotate(open_work=Count("work_orders", filter=Q(work_orders__status__in=_open()))))
    if zone is not None:
        rows = rows.filter(zone=zone)
    if skill:
        rows = rows.filter(skills__contains=[skill])
    if status:
        rows = rows.filter(status=status)
    return rows


def technician_detail(*, tenant_id: uuid.UUID, technician_id: int) -> Technician | None:
    return technician_list(tenant_id=tenant_id).filter(pk=technician_id).first()


def _open() -> list[str]:
    return [s for s in WorkOrder.Status.values if s not in WorkOrder.FINISHED]


def sop_list(*, tenant_id: uuid.UUID, kind: str = "") -> QuerySet[Sop]:
    rows = Sop.objects.filter(tenant_id=tenant_id)
    return rows.filter(kind=kind) if kind else rows


def sop_detail(*, tenant_id: uuid.UUID, sop_id: int) -> Sop | None:
    return Sop.objects.filter(tenant_id=tenant_id, pk=sop_id).first()


def kpis(*, tenant_id: uuid.UUID) -> dict[str, Any]:
    """Open work by status and kind, overdue work, turnaround of completed work: two queries."""
    rows = WorkOrder.objects.filter(tenant_id=tenant_id)
    now = timezone.now()
    counts = {f"status_{s}": Count("id", filter=Q(status=s)) for s in WorkOrder.Status.values}
    counts |= {f"kind_{k}": Count("id", filter=Q(kind=k) & OPEN) for k in Kind.values}
    found = rows.aggregate(
        **counts,
        overdue=Count("id", filter=OPEN & (Q(sla_breached_at__isnull=False) | Q(due_at__lt=now))),
        unassigned=Count("id", filter=Q(status__in=WAITING)),
        completed_late=Count("id", filter=Q(status__in=[WorkOrder.Status.COMPLETED,
                                                        WorkOrder.Status.CLOSED],
                                            completed_at__gt=F("due_at"))))
    turnaround = (rows.filter(completed_at__isnull=False, completed_at__gte=F("created_at"))
                  .aggregate(avg=Avg(ExpressionWrapper(F("completed_at") - F("created_at"),
                                                       output_field=DurationField())))["avg"])
    return {
        "as_of": tenant_today(tenant_id, now=now),
        "by_status": {s: found[f"status_{s}"] for s in WorkOrder.Status.values},
        "open_by_kind": {k: found[f"kind_{k}"] for k in Kind.values},
        "open": sum(found[f"status_{s}"] for s in _open()),
        "overdue": found["overdue"],
        "unassigned": found["unassigned"],
        "completed_late": found["completed_late"],
        "average_turnaround_hours": (round(turnaround / timedelta(hours=1), 1)
                                     if turnaround is not None else None),
    }
