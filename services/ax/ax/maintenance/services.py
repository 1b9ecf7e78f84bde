"""Writes of preventive maintenance: plans, the job that announces their due periods
(`ax.maintenance.due`, once per plan and period), and closing a period when wx completes its
work order."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ax.assets.models import Asset
from ax.common import check_dates
from ax.maintenance import schedule
from ax.maintenance.models import MaintenanceDue, MaintenancePlan
from smart360.contracts import ax as events
from smart360.contracts.wx import WorkOrderCompleted
from smart360.domain.models import TenantProfile
from smart360.errors import Conflict, NotFound, ValidationFailed
from smart360.events.outbox import publish_many

K = MaintenancePlan.Kind
MAX_INTERVAL: dict[str, Decimal] = {K.DAYS: Decimal(3650), K.MONTHS: Decimal(120)}
_PLAN, _PROFILE = MaintenancePlan._meta.db_table, TenantProfile._meta.db_table
# Each plan's tenant's date today (its time zone from the tenant profile).
_LOCAL_TODAY = RawSQL(  # noqa: S611 - our table names, no input
    f"(now() AT TIME ZONE COALESCE((SELECT p.timezone FROM {_PROFILE} p "  # noqa: S608
    f"WHERE p.tenant_id = {_PLAN}.tenant_id), 'UTC'))::date", [])


def request_key(plan_id: int, period: str) -> str:
    """What wx keys the PREVENTIVE work order on: plan and period, so it is made once."""
    return f"ax:plan:{plan_id}:{period}"


def _check_interval(kind: str, interval: Decimal) -> int | None:
    if kind == K.USAGE:
        return None
    if interval != interval.to_integral_value() or not 1 <= interval <= MAX_INTERVAL[kind]:
        raise ValidationFailed(
            f"A {kind} plan's interval is a whole number from 1 to {MAX_INTERVAL[kind]}.",
            errors={"interval": "not a whole number in range"})
    return int(interval)


@transaction.atomic
def plan_create(*, tenant_id: uuid.UUID, asset: int, name: str, kind: str, interval: Decimal,
                starts_on: date | None = None, lead_days: int = 0, description: str = "",
                active: bool = True) -> MaintenancePlan:
    """A plan on one asset. Calendar plans come due from `starts_on` (required) every `interval`
    days or months; usage plans each time the asset's usage passes a multiple of `interval`."""
    whole = _check_interval(kind, interval)
    if kind != K.USAGE and starts_on is None:
        raise ValidationFailed("A calendar plan needs starts_on.", errors={"starts_on": "required"})
    check_dates(starts_on=starts_on)
    target = Asset.objects.filter(tenant_id=tenant_id, pk=asset).first()
    if target is None:
        raise NotFound(f"No such asset {asset}.", code="unknown_asset")
    if target.status == Asset.Status.DECOMMISSIONED:
        raise Conflict(f"Asset {asset} is DECOMMISSIONED; it takes no maintenance plan.",
                       code="asset_decommissioned", extra={"current": target.status})
    plan = MaintenancePlan(tenant_id=tenant_id, asset=target, name=name, kind=kind,
                           interval=interval, starts_on=starts_on or target.created_at.date(),
                           lead_days=lead_days, description=description, active=active)
    if whole is None:
        reached = schedule.usage_period(usage=target.usage, interval=interval)
        plan.next_due_usage = reached + interval
    else:
        plan.next_due_on = plan.starts_on
        plan.next_fire_on = plan.starts_on - timedelta(days=lead_days)
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, tenant_id: uuid.UUID, plan_id: int, **changes: Any) -> MaintenancePlan:
    """Name, description, lead time, active. A different schedule is a new plan (its periods and
    their keys stay meaningful)."""
    plan = MaintenancePlan.objects.select_for_update().filter(tenant_id=tenant_id, pk=plan_id).first()
    if plan is None:
        raise NotFound(f"No such maintenance plan {plan_id}.")
    for field, value in changes.items():
        setattr(plan, field, value)
    if plan.next_due_on is not None:
        plan.next_fire_on = plan.next_due_on - timedelta(days=plan.lead_days)
    plan.save()
    return plan


# -- the job -------------------------------------------------------------------------------------
def maintenance_due_publish(*, as_of: date | None) -> dict[str, int]:
    """Announce every plan period due as of `as_of` (default: each tenant's own today).

    Set-based and once per (plan, period): two locking SELECTs pick the due plans (calendar plans
    by the indexed next_fire_on, usage plans by their asset's counter), ONE INSERT … ON CONFLICT
    DO NOTHING RETURNING records the periods (unique per plan and period, and per request key),
    only the rows it returned are published (one COPY per tenant), and one UPDATE moves the
    plans to their next period. A re-run, an overlapping beat or a plan moved back finds its
    periods taken and announces nothing twice.
    """
    with transaction.atomic():
        live = (MaintenancePlan.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("asset").filter(active=True)
                .exclude(asset__status=Asset.Status.DECOMMISSIONED)
                .annotate(today=_LOCAL_TODAY))
        calendar_plans = list(live.filter(kind__in=[K.DAYS, K.MONTHS],
                                          next_fire_on__lte=as_of or _LOCAL_TODAY))
        usage_plans = list(live.filter(kind=K.USAGE, asset__usage__gte=F("next_due_usage")))
        dues: list[Period] = []
        for plan in calendar_plans:
            dues += _advance_calendar(plan, as_of or plan.today)
        for plan in usage_plans:
            dues += _advance_usage(plan, as_of or plan.today)
        fresh = _record(dues)
        published = _publish([d for d in dues if d.request_key in fresh])
        _move_on(calendar_plans + usage_plans)
    return {"due": len(dues), "published": published}


def _move_on(plans: list[MaintenancePlan]) -> None:
    """The plans' next periods in ONE UPDATE … FROM unnest(…). (Django's bulk_update writes a
    CASE with a branch per row for each field: 10,000 plans took minutes that way.)"""
    if not plans:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_PLAN} p SET next_period = u.k, next_due_on = u.d, next_fire_on = u.f, "  # noqa: S608
            "next_due_usage = u.n, active = u.a, updated_at = now() FROM unnest(%s::bigint[], "
            "%s::integer[], %s::date[], %s::date[], %s::numeric[], %s::boolean[]) "
            "AS u(id, k, d, f, n, a) WHERE p.id = u.id",
            [[p.pk for p in plans], [p.next_period for p in plans], [p.next_due_on for p in plans],
             [p.next_fire_on for p in plans], [p.next_due_usage for p in plans],
             [p.active for p in plans]])


@dataclass(frozen=True)
class Period:
    """A plan's period found due (a plain value: building model instances was a third of the
    job's time for 10,000 plans)."""

    plan: MaintenancePlan
    period: str
    due_on: date

    @property
    def request_key(self) -> str:
        return request_key(self.plan.pk, self.period)


def _due(plan: MaintenancePlan, period: str, due_on: date) -> Period:
    return Period(plan, period, due_on)


def _advance_calendar(plan: MaintenancePlan, today: date) -> list[Period]:
    interval = int(plan.interval)
    k = schedule.latest_due(starts_on=plan.starts_on, kind=plan.kind, interval=interval,
                            lead_days=plan.lead_days, current=plan.next_period, today=today)
    if k is None:
        return []
    due_on = schedule.occurrence(starts_on=plan.starts_on, kind=plan.kind, interval=interval, k=k)
    try:
        plan.next_due_on = schedule.occurrence(starts_on=plan.starts_on, kind=plan.kind,
                                               interval=interval, k=k + 1)
        plan.next_fire_on = plan.next_due_on - timedelta(days=plan.lead_days)
    except (OverflowError, ValueError):  # past the calendar's end: the plan is over
        plan.next_due_on = plan.next_fire_on = None
        plan.active = False
    plan.next_period = k + 1
    return [_due(plan, schedule.period_label(due_on), due_on)]


def _advance_usage(plan: MaintenancePlan, today: date) -> list[Period]:
    reached = schedule.usage_period(usage=plan.asset.usage, interval=plan.interval)
    plan.next_due_usage = reached + plan.interval
    return [_due(plan, schedule.period_label(reached), today)]


def _record(dues: list[Period]) -> set[str]:
    """Insert the periods; the request keys of those that were new."""
    if not dues:
        return set()
    table = MaintenanceDue._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (tenant_id, plan_id, asset_id, period, request_key, due_on, "  # noqa: S608
            "status, work_order_number, created_at, updated_at) "
            "SELECT t, p, a, per, k, d, %s, '', now(), now() FROM unnest(%s::uuid[], %s::bigint[], "
            "%s::bigint[], %s::text[], %s::text[], %s::date[]) AS u(t, p, a, per, k, d) "
            "ON CONFLICT DO NOTHING RETURNING request_key",
            [MaintenanceDue.Status.OPEN, [d.plan.tenant_id for d in dues], [d.plan.pk for d in dues],
             [d.plan.asset_id for d in dues], [d.period for d in dues], [d.request_key for d in dues],
             [d.due_on for d in dues]])
        return {row[0] for row in cursor.fetchall()}


def _publish(dues: list[Period]) -> int:
    by_tenant: dict[uuid.UUID, list[Period]] = defaultdict(list)
    for d in dues:
        by_tenant[d.plan.tenant_id].append(d)
    return sum(publish_many((events.MaintenanceDue(
        request_key=d.request_key, plan_id=d.plan.pk, period=d.period, asset_id=d.plan.asset.pk,
        asset_name=f"{d.plan.asset.tag} {d.plan.asset.name}", area_id=d.plan.asset.area_id,
        due_on=d.due_on,
        description=f"{d.plan.name}: {d.plan.description}".rstrip(": "),
    ) for d in group), tenant_id=tenant) for tenant, group in by_tenant.items())


# -- wx's completion -----------------------------------------------------------------------------
def due_complete(*, tenant_id: uuid.UUID, event: WorkOrderCompleted) -> bool:
    """The PREVENTIVE work order of a period passed: the period is done (one conditional UPDATE;
    a repeat finds it done already). A failed one leaves it open (overdue once past its day)."""
    if not event.request_key or event.outcome != "pass":
        return False
    return bool(MaintenanceDue.objects.filter(
        tenant_id=tenant_id, request_key=event.request_key, status=MaintenanceDue.Status.OPEN,
    ).update(status=MaintenanceDue.Status.COMPLETED, completed_at=event.completed_at,
             work_order_number=event.number, updated_at=timezone.now()))
