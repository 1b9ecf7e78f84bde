"""Reads of readings, read cycles and schedules (always inside one tenant)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from mx.meters.models import RouteStop
from mx.readings.models import ReadCycle, Reading, ReadSchedule, RouteDispatch


def reading_list(*, tenant_id: uuid.UUID, meter: str = "", account: str = "", status: str = "",
                 cycle: int | None = None, since: datetime | None = None,
                 until: datetime | None = None) -> QuerySet[Reading]:
    rows = Reading.objects.filter(tenant_id=tenant_id).select_related("meter")
    filters: dict[str, Any] = {"meter__serial": meter, "account_number": account, "status": status,
                               "cycle_id": cycle, "read_at__gte": since, "read_at__lt": until}
    return rows.filter(**{k: v for k, v in filters.items() if v not in (None, "")})


def reading_detail(*, tenant_id: uuid.UUID, reading_id: int) -> Reading | None:
    overrides = Prefetch("overrides", to_attr="audit")
    return (Reading.objects.select_related("meter").prefetch_related(overrides)
            .filter(tenant_id=tenant_id, pk=reading_id).first())


def validation_rate(*, tenant_id: uuid.UUID, cycle: int | None = None,
                    since: datetime | None = None, until: datetime | None = None) -> dict[str, Any]:
    """Readings by status (the installation readings aside) and the share that PASSed, in one
    query: `rate` = PASS ÷ all, 4 places (None when there are none)."""
    rows = reading_list(tenant_id=tenant_id, cycle=cycle, since=since, until=until).exclude(
        source=Reading.Source.INSTALLATION)
    counts = rows.aggregate(**{s: Count("id", filter=Q(status=s)) for s in Reading.Status.values})
    total = sum(counts.values())
    rate = (Decimal(counts["PASS"]) / total).quantize(Decimal("0.0001")) if total else None
    return {"cycle": cycle, "total": total, "counts": counts, "rate": rate}


def read_cycle_list(*, tenant_id: uuid.UUID, status: str = "", area_ref: str = "",
                    utility_service: str = "") -> QuerySet[ReadCycle]:
    filters = {"status": status, "area_ref": area_ref, "utility_service": utility_service}
    return ReadCycle.objects.filter(tenant_id=tenant_id, **{k: v for k, v in filters.items() if v})


def read_cycle_detail(*, tenant_id: uuid.UUID, cycle_id: int) -> ReadCycle | None:
    return ReadCycle.objects.filter(tenant_id=tenant_id, pk=cycle_id).first()


def dispatch_sheet(*, dispatch: RouteDispatch) -> dict[str, Any]:
    """What the reader takes out: the route's meters in walking order, with their last validated
    reading and whether the cycle already has a reading of each (two queries)."""
    stops = list(RouteStop.objects.filter(route_id=dispatch.route_id).select_related("meter")
                 .order_by("position"))
    read = set(Reading.objects.filter(cycle_id=dispatch.cycle_id,
                                      meter_id__in=[s.meter_id for s in stops])
               .exclude(status=Reading.Status.MISSING).values_list("meter_id", flat=True))
    return {"id": dispatch.pk, "cycle": dispatch.cycle_id, "route": dispatch.route_id,
            "reader": dispatch.reader, "created_at": dispatch.created_at,
            "stops": [{"position": s.position, "meter_serial": s.meter.serial,
                       "account_number": s.meter.account_number, "premise": s.meter.premise,
                       "last_reading": s.meter.last_value, "last_read_at": s.meter.last_read_at,
                       "read": s.meter_id in read} for s in stops]}


def read_schedule_list(*, tenant_id: uuid.UUID) -> QuerySet[ReadSchedule]:
    return ReadSchedule.objects.filter(tenant_id=tenant_id)
