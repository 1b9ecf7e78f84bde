"""Automatic assignment, set-based: orders waiting for a technician (CREATED, or REJECTED by the
one who had it) matched to ACTIVE technicians by zone, skill and load.

A technician fits an order of their own tenant when their `zone` is the order's area or any area
above it (a region's technician serves its zones and areas), the kind is among their `skills`,
they have fewer open orders than their `capacity`, and they have not declined this order before.
Among those who fit: least open work first, then the longest serving (the lowest id).

The same few statements whether one order arrives or the beat sweeps five hundred: the orders,
their areas' lineages, the technicians with their open work; the matching in Python (each
assignment counts towards the technician's load for the next order); one UPDATE for all the
assignments; the `wx.workorder.assigned` events written in bulk (one COPY per tenant).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from smart360.contracts.wx import WorkOrderAssigned
from smart360.events.outbox import publish_many
from smart360.logging import get_logger
from wx.workorders.models import Area, Technician, WorkOrder

log = get_logger(__name__)
S = WorkOrder.Status
# Waiting for a technician: the automatic assignment looks for one (and the KPIs count them).
WAITING = (S.CREATED, S.REJECTED)
OPEN = [s for s in S.values if s not in WorkOrder.FINISHED]
SWEEP_LIMIT = 500


def assigned_fields(order: WorkOrder, technician: Technician, *, manual: bool) -> dict[str, Any]:
    """The payload of `wx.workorder.assigned` (built inside the publish calls, where the
    registry's check looks for it)."""
    return {"work_order_id": order.pk, "number": order.number, "kind": order.kind,
            "source": order.source, "technician_id": technician.pk,
            "technician_name": technician.name, "technician_email": technician.email,
            "due_at": order.due_at, "request_key": order.request_key or None,
            "priority": order.priority, "area_id": order.area, "address": order.address,
            "consumer_id": order.consumer_id, "manual": manual}


def work_order_auto_assign(order: WorkOrder) -> Technician | None:
    """Assign one waiting order (a new one, on arrival) to the technician who fits; nobody fits:
    it stays as it is."""
    technician = assign([order]).get(order.pk)
    if technician is None:
        log.info("work_order_unassigned", number=order.number, kind=order.kind, area=order.area)
    return technician


def work_orders_auto_assign(*, limit: int = SWEEP_LIMIT) -> int:
    """The beat's sweep over every tenant: waiting orders, oldest due first. Orders another
    transaction holds (an override, a rejection under way) are left for the next sweep."""
    with transaction.atomic():
        orders = list(WorkOrder.objects.filter(status__in=WAITING).order_by("due_at", "id")
                      .select_for_update(skip_locked=True)[:limit])
        assigned = assign(orders)
    log.info("work_orders_auto_assigned", waiting=len(orders), assigned=len(assigned))
    return len(assigned)


def assign(orders: Sequence[WorkOrder]) -> dict[int, Technician]:
    """Match `orders` (waiting ones) to technicians and write it: {order id: technician} for the
    orders assigned. The caller holds the transaction."""
    lineages = _lineages(orders)
    technicians, load = _technicians_with_room(orders, lineages)
    chosen = _match(orders, lineages, technicians, load)
    if not chosen:
        return {}
    now = timezone.now()
    done = _write(chosen, now)
    assigned = {pk: t for pk, t in chosen.items() if pk in done}
    by_tenant: dict[uuid.UUID, list[tuple[WorkOrder, Technician]]] = defaultdict(list)
    for order in orders:
        technician = assigned.get(order.pk)
        if technician is None:
            continue
        order.status, order.technician, order.assigned_at = S.ASSIGNED, technician, now
        order.updated_at = now
        by_tenant[order.tenant_id].append((order, technician))
    for tenant_id, pairs in by_tenant.items():
        publish_many((WorkOrderAssigned(**assigned_fields(o, t, manual=False)) for o, t in pairs),
                     tenant_id=tenant_id)
    return assigned


def _lineages(orders: Iterable[WorkOrder]) -> dict[tuple[uuid.UUID, int], list[int]]:
    """(tenant, area) → the area and the areas above it; an area onboarding has not announced
    counts as a root (its technicians are those of that very area). One query."""
    wanted = {(o.tenant_id, o.area) for o in orders if o.area is not None}
    if not wanted:
        return {}
    known = (Area.objects.filter(tenant_id__in={t for t, _ in wanted},
                                 onboarding_id__in={a for _, a in wanted})
             .values_list("tenant_id", "onboarding_id", "lineage"))
    found = {(t, a): list(lineage) for t, a, lineage in known if (t, a) in wanted}
    return {key: found.get(key) or [key[1]] for key in wanted}


def _technicians_with_room(orders: Sequence[WorkOrder],
                           lineages: dict[tuple[uuid.UUID, int], list[int]]
                           ) -> tuple[dict[tuple[uuid.UUID, int], list[Technician]], dict[int, int]]:
    """(tenant, zone) → the ACTIVE technicians there with the skill of some order and room
    under their capacity, of the orders' tenants only; and each one's open work. One query."""
    if not lineages:
        return {}, {}
    rows = (Technician.objects
            .filter(tenant_id__in={t for t, _ in lineages}, status=Technician.Status.ACTIVE,
                    zone__in={z for zones in lineages.values() for z in zones},
                    skills__has_any_keys=sorted({o.kind for o in orders}))
            .annotate(open_work=Count("work_orders", filter=Q(work_orders__status__in=OPEN)))
            .filter(open_work__lt=F("capacity"))
            .order_by("id"))
    by_zone: dict[tuple[uuid.UUID, int], list[Technician]] = defaultdict(list)
    load: dict[int, int] = {}
    for technician in rows:
        by_zone[(technician.tenant_id, technician.zone)].append(technician)
        load[technician.pk] = technician.open_work
    return by_zone, load


def _match(orders: Sequence[WorkOrder], lineages: dict[tuple[uuid.UUID, int], list[int]],
           technicians: dict[tuple[uuid.UUID, int], list[Technician]],
           load: dict[int, int]) -> dict[int, Technician]:
    """Greedy, in the orders' order (oldest due first): each order to the least loaded technician
    who fits it; `load` counts the assignments made so far in this sweep too."""
    chosen: dict[int, Technician] = {}
    for order in orders:
        if order.area is None:
            continue
        fits = [t for zone in lineages[(order.tenant_id, order.area)]
                for t in technicians.get((order.tenant_id, zone), ())
                if order.kind in t.skills and load[t.pk] < t.capacity
                and t.pk not in order.rejected_by]
        if fits:
            best = min(fits, key=lambda t: (load[t.pk], t.pk))
            chosen[order.pk] = best
            load[best.pk] += 1
    return chosen


def _write(chosen: dict[int, Technician], now: datetime) -> set[int]:
    """All the assignments in ONE UPDATE … FROM unnest(…), guarded: the order still waiting, the
    technician of its own tenant. The ids of the orders it moved."""
    table, technicians = WorkOrder._meta.db_table, Technician._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} w SET status = %s, technician_id = u.technician, "  # noqa: S608
            "assigned_at = %s, accepted_at = NULL, updated_at = %s "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS u(id, technician) "
            f"JOIN {technicians} t ON t.id = u.technician "
            "WHERE w.id = u.id AND w.tenant_id = t.tenant_id AND w.status = ANY(%s) "
            "RETURNING w.id",
            [S.ASSIGNED, now, now, list(chosen), [t.pk for t in chosen.values()], list(WAITING)])
        return {row[0] for row in cursor.fetchall()}
