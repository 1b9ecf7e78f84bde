"""Reads of meters and routes (always inside one tenant)."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, QuerySet

from mx.meters.models import Meter, Route, RouteStop


def meter_list(*, tenant_id: uuid.UUID, serial: str = "", status: str = "", account: str = "",
               area_ref: str = "", utility_service: str = "") -> QuerySet[Meter]:
    filters = {"serial": serial, "status": status, "account_number": account, "area_ref": area_ref,
               "utility_service": utility_service}
    return Meter.objects.filter(tenant_id=tenant_id, **{k: v for k, v in filters.items() if v})


def meter_detail(*, tenant_id: uuid.UUID, meter_id: int) -> Meter | None:
    return Meter.objects.filter(tenant_id=tenant_id, pk=meter_id).first()


def route_list(*, tenant_id: uuid.UUID, area_ref: str = "", utility_service: str = ""
               ) -> QuerySet[Route]:
    filters = {"area_ref": area_ref, "utility_service": utility_service}
    return Route.objects.filter(tenant_id=tenant_id, **{k: v for k, v in filters.items() if v})


def route_detail(*, tenant_id: uuid.UUID, route_id: int) -> Route | None:
    """A route with its meters in walking order (two queries)."""
    stops = Prefetch("stops", queryset=RouteStop.objects.select_related("meter").order_by("position"))
    return Route.objects.filter(tenant_id=tenant_id, pk=route_id).prefetch_related(stops).first()
