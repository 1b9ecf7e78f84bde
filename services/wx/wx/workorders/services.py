"""Writes of wx: work orders (from events and by hand), their moves, completion reports,
technicians, SOPs, the area projection and the SLA sweep (the automatic assignment: assignment.py).

    CREATED ─assign→ ASSIGNED ─accept→ ACCEPTED ─start→ IN_PROGRESS ─complete→ COMPLETED ─close→ CLOSED
    ASSIGNED/ACCEPTED ─assign→ ASSIGNED (another technician: the manual override)
    ASSIGNED/ACCEPTED ─reject→ REJECTED ─assign→ ASSIGNED (automatic or by hand; never to a
                                                           technician who declined it)
    ACCEPTED/IN_PROGRESS ─hold→ HOLD ─start→ IN_PROGRESS
    IN_PROGRESS/HOLD ─fail→ FAILED (final: the visit could not be carried out)
    anything open ─cancel→ CANCELLED

Open (counted by the SLA monitor): everything but COMPLETED, CLOSED, FAILED and CANCELLED; a
REJECTED order is not lost, it waits for another technician. `complete` with outcome `fail` is
work done whose result failed (the site is unsuitable); `fail` is work that could not be done
(no access, unsafe, wrong address). Both publish `wx.workorder.completed` with outcome "fail"
and the reason in `notes`, so cx, mx, ax and notification handle a FAILED order as they
already handle a failed completion (cx: a site inspection rejects the application, an
installation is requested again, a connection request is FAILED) and need no new event.

A work order that comes from another service carries a `request_key`: one order per key and
tenant, so a redelivered (or re-sent) request creates nothing twice.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from smart360.contracts.wx import WorkOrderAssigned, WorkOrderCompleted
from smart360.domain.numbering import Format, number_take
from smart360.domain.states import StateMachine
from smart360.domain.tenants import tenant_today, tenant_zone
from smart360.errors import Conflict, NotFound, ValidationFailed
from smart360.events.outbox import publish
from smart360.logging import get_logger
from wx.workorders.assignment import assigned_fields, work_order_auto_assign
from wx.workorders.models import Area, Kind, Priority, Sop, Technician, WorkOrder

log = get_logger(__name__)
S = WorkOrder.Status
MOVES = StateMachine("work order", {
    S.CREATED: (S.ASSIGNED, S.CANCELLED),
    S.ASSIGNED: (S.ASSIGNED, S.ACCEPTED, S.REJECTED, S.CANCELLED),
    S.ACCEPTED: (S.ASSIGNED, S.IN_PROGRESS, S.HOLD, S.REJECTED, S.CANCELLED),
    S.IN_PROGRESS: (S.COMPLETED, S.HOLD, S.FAILED, S.CANCELLED),
    S.HOLD: (S.IN_PROGRESS, S.FAILED, S.CANCELLED),
    S.REJECTED: (S.ASSIGNED, S.CANCELLED),
    S.COMPLETED: (S.CLOSED,),
})
NUMBER = Format("WO", "YYYYMMDD", 4)
# How long a field visit may take from the request, by priority (the due time when none is given).
SLA = {Priority.EMERGENCY: timedelta(hours=4), Priority.HIGH: timedelta(hours=24),
       Priority.MEDIUM: timedelta(hours=72), Priority.LOW: timedelta(hours=120)}
# Readings an installation that passes always reports (cx connects the account with them).
INSTALLATION_READINGS = ("meter_serial", "initial_reading")


def _rows(tenant_id: uuid.UUID, work_order_id: int) -> Any:
    return WorkOrder.objects.filter(tenant_id=tenant_id, pk=work_order_id)


def _get(tenant_id: uuid.UUID, work_order_id: int, *, lock: bool = False) -> WorkOrder:
    rows = _rows(tenant_id, work_order_id).select_related("technician")
    order = (rows.select_for_update(of=("self",)) if lock else rows).first()
    if order is None:  # absent, or another tenant's
        raise NotFound("No such work order.")
    return order


# -- areas (onboarding's, projected) ---------------------------------------------------------
def area_project(*, tenant_id: uuid.UUID, onboarding_id: int, name: str, kind: str,
                 parent: int | None, path: str) -> None:
    """Upsert one area; its lineage is its own id then its parent's lineage (onboarding announces
    a parent before its children; an unknown parent counts as a root)."""
    above: list[int] = []
    if parent is not None:
        known = (Area.objects.filter(tenant_id=tenant_id, onboarding_id=parent)
                 .values_list("lineage", flat=True).first())
        above = list(known) if known else [parent]
    Area.objects.update_or_create(
        tenant_id=tenant_id, onboarding_id=onboarding_id,
        defaults={"name": name, "kind": kind, "parent": parent, "path": path,
                  "lineage": [onboarding_id, *above]})


# -- technicians -----------------------------------------------------------------------------
def technician_create(*, tenant_id: uuid.UUID, name: str, skills: list[str], zone: int,
                      email: str = "", phone: str = "", capacity: int = 10,
                      status: str = Technician.Status.ACTIVE) -> Technician:
    return Technician.objects.create(tenant_id=tenant_id, name=name, skills=sorted(set(skills)),
                                     zone=zone, email=email, phone=phone, capacity=capacity,
                                     status=status)


def technician_update(*, tenant_id: uuid.UUID, technician_id: int, **changes: Any) -> Technician:
    technician = Technician.objects.filter(tenant_id=tenant_id, pk=technician_id).first()
    if technician is None:
        raise NotFound("No such technician.")
    if "skills" in changes:
        changes["skills"] = sorted(set(changes["skills"]))
    for field, value in changes.items():
        setattr(technician, field, value)
    technician.save()
    return technician


# -- SOPs ------------------------------------------------------------------------------------
def sop_create(*, tenant_id: uuid.UUID, kind: str, name: str, steps: list[str],
               safety: list[str], materials: list[str], readings: list[str]) -> Sop:
    try:
        with transaction.atomic():
            return Sop.objects.create(tenant_id=tenant_id, kind=kind, name=name, steps=steps,
                                      safety=safety, materials=materials, readings=readings)
    except IntegrityError:
        raise Conflict(f"There is already an SOP for {kind}; change that one.",
                       code="duplicate_sop", extra={"kind": kind}) from None


def sop_update(*, tenant_id: uuid.UUID, sop_id: int, **changes: Any) -> Sop:
    sop = Sop.objects.filter(tenant_id=tenant_id, pk=sop_id).first()
    if sop is None:
        raise NotFound("No such SOP.")
    for field, value in changes.items():
        setattr(sop, field, value)
    sop.save()
    return sop


def _sop_snapshot(tenant_id: uuid.UUID, kind: str) -> dict[str, Any] | None:
    sop = Sop.objects.filter(tenant_id=tenant_id, kind=kind).first()
    if sop is None:
        return None
    return {"id": sop.pk, "name": sop.name, "steps": sop.steps, "safety": sop.safety,
            "materials": sop.materials, "readings": sop.readings}


# -- work orders -----------------------------------------------------------------------------
def work_order_create(*, tenant_id: uuid.UUID, kind: str, source: str = "", area: int | None = None,
                      address: str = "", description: str = "", priority: str = Priority.MEDIUM,
                      due_at: datetime | None = None, request_key: str | None = None,
                      consumer_id: int | None = None, account_number: str = "",
                      asset_id: int | None = None, meter_serial: str = "",
                      auto_assign: bool = True) -> WorkOrder:
    """A new work order (numbered WO-YYYYMMDD-NNNN in the tenant's calendar), assigned at once to a
    technician who fits when there is one. With a `request_key` already used: the existing order,
    unchanged (an event delivered twice creates one order)."""
    if request_key:
        existing = WorkOrder.objects.filter(tenant_id=tenant_id, request_key=request_key).first()
        if existing is not None:
            return existing
    if priority not in Priority.values:
        priority = Priority.MEDIUM
    with transaction.atomic():  # the order, its assignment and the event: all or nothing
        return _create(tenant_id=tenant_id, kind=kind, source=source, area=area, address=address,
                       description=description, priority=priority, due_at=due_at,
                       request_key=request_key, consumer_id=consumer_id,
                       account_number=account_number, asset_id=asset_id,
                       meter_serial=meter_serial, auto_assign=auto_assign)


def _create(*, tenant_id: uuid.UUID, kind: str, source: str, area: int | None, address: str,
            description: str, priority: str, due_at: datetime | None, request_key: str | None,
            consumer_id: int | None, account_number: str, asset_id: int | None,
            meter_serial: str, auto_assign: bool) -> WorkOrder:
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin of the key loses here
            order = WorkOrder.objects.create(
                tenant_id=tenant_id,
                number=number_take(tenant_id=tenant_id, entity="work_order",
                                   on=tenant_today(tenant_id, now=now), default=NUMBER),
                kind=kind, priority=priority, area=area, address=address[:300],
                description=description, source=source[:60], request_key=request_key or "",
                consumer_id=consumer_id, account_number=account_number or "", asset_id=asset_id,
                meter_serial=meter_serial or "", sop=_sop_snapshot(tenant_id, kind),
                due_at=due_at or now + SLA[Priority(priority)])
    except IntegrityError:  # the same key, created concurrently: that one stands
        existing = (WorkOrder.objects.filter(tenant_id=tenant_id, request_key=request_key).first()
                    if request_key else None)
        if existing is None:
            raise
        return existing
    if auto_assign:
        work_order_auto_assign(order)
    return order


def work_order_create_by_hand(*, tenant_id: uuid.UUID, request_key: str | None = None,
                              **fields: Any) -> WorkOrder:
    """POST work-orders/: a `request_key` already used is a 409 naming that order."""
    if request_key:
        existing = WorkOrder.objects.filter(tenant_id=tenant_id, request_key=request_key).first()
        if existing is not None:
            raise Conflict(f"Work order {existing.number} already answers request {request_key}.",
                           code="duplicate_request", extra={"work_order": existing.pk,
                                                            "number": existing.number})
    return work_order_create(tenant_id=tenant_id, request_key=request_key, **fields)


def work_order_requested(*, tenant_id: uuid.UUID, request_key: str, kind: str, source: str,
                         area: int | None, address: str, priority: str, description: str,
                         consumer_id: int | None, account_number: str | None,
                         meter_serial: str | None, due_at: datetime | None) -> WorkOrder:
    """cx asked for field work (`cx.workorder.requested`): once per request_key."""
    return work_order_create(tenant_id=tenant_id, request_key=request_key, kind=kind, source=source,
                             area=area, address=address, priority=priority, description=description,
                             consumer_id=consumer_id, account_number=account_number or "",
                             meter_serial=meter_serial or "", due_at=due_at)


def maintenance_due(*, tenant_id: uuid.UUID, request_key: str, plan_id: int, period: str,
                    asset_id: int, asset_name: str, area: int | None, due_on: date,
                    description: str) -> WorkOrder:
    """ax's preventive plan came due (`ax.maintenance.due`): a PREVENTIVE order, once per key
    (plan + period), due at the end of `due_on` in the tenant's calendar."""
    end_of_day = datetime.combine(due_on + timedelta(days=1), time.min, tzinfo=tenant_zone(tenant_id))
    return work_order_create(
        tenant_id=tenant_id, request_key=request_key, kind=Kind.PREVENTIVE,
        source=f"MP-{plan_id}-{period}", area=area, asset_id=asset_id,
        description=description or f"Preventive maintenance of {asset_name} ({period})",
        due_at=end_of_day)


def work_order_assign(*, tenant_id: uuid.UUID, work_order_id: int, technician_id: int) -> WorkOrder:
    """The manual override: this technician (active, of this tenant, and not one who declined
    this order), whatever the automatic choice was. From CREATED, ASSIGNED, ACCEPTED or REJECTED."""
    with transaction.atomic():
        order = _get(tenant_id, work_order_id, lock=True)
        technician = Technician.objects.filter(tenant_id=tenant_id, pk=technician_id).first()
        if technician is None:
            raise NotFound(f"Unknown technician {technician_id}.", code="unknown_technician")
        if technician.status != Technician.Status.ACTIVE:
            raise Conflict(f"{technician.name} is {technician.status}; assign an ACTIVE technician.",
                           code="technician_unavailable", extra={"technician_status": technician.status})
        if technician.pk in order.rejected_by:
            raise Conflict(f"{technician.name} declined {order.number}; assign another technician.",
                           code="technician_declined",
                           extra={"rejected_by": order.rejected_by})
        now = timezone.now()
        MOVES.move(_rows(tenant_id, order.pk), S.ASSIGNED, technician=technician, assigned_at=now,
                   accepted_at=None, updated_at=now)
        order.refresh_from_db()
        publish(WorkOrderAssigned(**assigned_fields(order, technician, manual=True)),
                tenant_id=tenant_id)
        return _get(tenant_id, work_order_id)


def work_order_reject(*, tenant_id: uuid.UUID, work_order_id: int, reason: str) -> WorkOrder:
    """The technician declines: ASSIGNED or ACCEPTED → REJECTED, without a technician. The order
    keeps who declined it and waits (open) for another technician: the beat's automatic
    assignment or the override, never back to one who declined."""
    now = timezone.now()
    with transaction.atomic():
        order = _get(tenant_id, work_order_id, lock=True)  # the list of who declined is appended
        MOVES.check(order.status, S.REJECTED)
        declined = [*order.rejected_by, *([order.technician_id] if order.technician_id else [])]
        MOVES.move(_rows(tenant_id, order.pk), S.REJECTED, technician=None, assigned_at=None,
                   accepted_at=None, rejected_by=declined, rejection_reason=reason, updated_at=now)
    log.info("work_order_rejected", number=order.number, technician=order.technician_id)
    return _get(tenant_id, work_order_id)


def work_order_fail(*, tenant_id: uuid.UUID, work_order_id: int, reason: str) -> WorkOrder:
    """The field visit could not be carried out (no access, unsafe, wrong address): IN_PROGRESS
    or HOLD → FAILED, final; published as a completion with outcome "fail" and the reason as its
    notes (what the subscribers already do with a failed visit)."""
    now = timezone.now()
    with transaction.atomic():
        MOVES.move(_rows(tenant_id, work_order_id), S.FAILED, outcome=WorkOrder.Outcome.FAIL,
                   notes=reason, completed_at=now, updated_at=now)
        order = _get(tenant_id, work_order_id)
        _publish_completed(order)
        return order


def work_order_move(*, tenant_id: uuid.UUID, work_order_id: int, to: str, **changes: Any) -> WorkOrder:
    """accept, start (or resume), hold, close, cancel: one conditional UPDATE (409 naming the
    allowed moves when the current state does not lead there)."""
    now = timezone.now()
    stamps: dict[str, str] = {S.ACCEPTED: "accepted_at", S.CANCELLED: "cancelled_at"}
    stamp = stamps.get(to)
    if stamp:
        changes[stamp] = now
    with transaction.atomic():  # a refused move (409) leaves no started_at behind
        if to == S.IN_PROGRESS:
            _rows(tenant_id, work_order_id).filter(started_at__isnull=True).update(started_at=now)
        MOVES.move(_rows(tenant_id, work_order_id), to, updated_at=now, **changes)
    return _get(tenant_id, work_order_id)


def work_order_complete(*, tenant_id: uuid.UUID, work_order_id: int, outcome: str, notes: str = "",
                        completed_at: datetime | None = None, meter_serial: str = "",
                        initial_reading: Decimal | None = None,
                        readings: dict[str, Decimal] | None = None) -> WorkOrder:
    """The completion report: IN_PROGRESS → COMPLETED, then `wx.workorder.completed`.

    `completed_at` is any past time (field work entered late, a migrated history), never in the
    future (400). An INSTALLATION that passes reports its meter serial and initial reading, and
    any work that passes reports the readings its SOP asks for (400 otherwise)."""
    now = timezone.now()
    completed_at = completed_at or now
    if completed_at > now:
        raise ValidationFailed("completed_at cannot be in the future.",
                               errors={"completed_at": "in the future"})
    readings = dict(readings or {})
    with transaction.atomic():
        order = _get(tenant_id, work_order_id, lock=True)
        MOVES.check(order.status, S.COMPLETED)
        if outcome == WorkOrder.Outcome.PASS:
            _check_reported(order, meter_serial, initial_reading, readings)
        MOVES.move(_rows(tenant_id, order.pk), S.COMPLETED, outcome=outcome, notes=notes,
                   completed_at=completed_at, meter_serial=meter_serial or order.meter_serial,
                   initial_reading=initial_reading, readings={k: str(v) for k, v in readings.items()},
                   updated_at=now)
        order = _get(tenant_id, order.pk)
        _publish_completed(order)
        return order


def _publish_completed(order: WorkOrder) -> None:
    """`wx.workorder.completed`, as the order now records it (completed or FAILED)."""
    publish(WorkOrderCompleted(
        work_order_id=order.pk, number=order.number, request_key=order.request_key or None,
        kind=order.kind, source=order.source,
        outcome="pass" if order.outcome == WorkOrder.Outcome.PASS else "fail", notes=order.notes,
        completed_at=order.completed_at or timezone.now(), account_number=order.account_number or None,
        meter_serial=order.meter_serial or None, initial_reading=order.initial_reading,
        readings={k: Decimal(v) for k, v in order.readings.items()}, asset_id=order.asset_id),
        tenant_id=order.tenant_id)


def _check_reported(order: WorkOrder, meter_serial: str, initial_reading: Decimal | None,
                    readings: dict[str, Decimal]) -> None:
    missing: dict[str, str] = {}
    if order.kind == Kind.INSTALLATION:
        if not meter_serial:
            missing["meter_serial"] = "required when an installation passes"
        if initial_reading is None:
            missing["initial_reading"] = "required when an installation passes"
    reported = {*readings, *(("meter_serial",) if meter_serial else ()),
                *(("initial_reading",) if initial_reading is not None else ())}
    for name in (order.sop or {}).get("readings", []):
        if name not in reported:
            missing.setdefault(name if name in INSTALLATION_READINGS else f"readings.{name}",
                               "the SOP asks for this reading")
    if missing:
        raise ValidationFailed("The completion report lacks " + ", ".join(sorted(missing)) + ".",
                               errors=missing)


# -- the SLA monitor -------------------------------------------------------------------------
def work_orders_flag_sla_breaches(*, now: datetime) -> int:
    """Stamp every open order past its due time, once, in one UPDATE. Idempotent.

    An order due exactly now is not yet late. The stamp is never moved or cleared, so it
    records when the breach was first seen.
    """
    return (
        WorkOrder.objects.filter(due_at__lt=now, sla_breached_at__isnull=True)
        .exclude(status__in=WorkOrder.FINISHED)
        .update(sla_breached_at=now, updated_at=now)
    )


def sweep_moment(as_of: date | None) -> datetime:
    """The sweep's "now": the real now, or the end of `as_of` (UTC) when that is earlier."""
    now = timezone.now()
    if as_of is None:
        return now
    return min(now, datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UTC))
