"""Writes of billing: cycles and their firing, runs (create, approve, issue), single bills
(off-cycle, approve, issue, void). Keyword-only, tenant first; the heavy work is pipeline's."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone

from bx.billing import collect, engine, pipeline, rating
from bx.billing.models import Bill, BillRun, BillSchedule
from bx.projections.models import Account, Plan, UtilityService
from smart360.celery.tasks import enqueue_on_commit
from smart360.contracts.bx import BillVoided
from smart360.contracts.onboarding import Tariff
from smart360.domain.models import TenantProfile
from smart360.domain.states import StateMachine
from smart360.domain.tenants import tenant_today
from smart360.errors import Conflict, NotFound, ValidationFailed
from smart360.events.outbox import publish

MAX_PERIOD_DAYS = 366
RUN = StateMachine("bill run", {
    "QUEUED": ("RUNNING", "FAILED"), "RUNNING": ("DRAFT", "FAILED"), "DRAFT": ("APPROVED",),
    "APPROVED": ("ISSUING",), "ISSUING": ("ISSUED",),
})
BILL = StateMachine("bill", {
    "DRAFT": ("APPROVED", "VOID"), "APPROVED": ("ISSUED", "VOID"), "ISSUED": ("VOID",),
})
S = BillRun.Status


# -- cycles -----------------------------------------------------------------------------------
def add_months(day: date, months: int) -> date:
    """`day` moved by whole months; schedules run on days 1-28, so the day always exists."""
    year, month = divmod(day.month - 1 + months, 12)
    return day.replace(year=day.year + year, month=month + 1)


def bill_cycle_create(*, tenant_id: uuid.UUID, cycle_name: str, utility_service: int,
                      period_months: int, next_run_on: date) -> BillSchedule:
    _service(tenant_id, utility_service)
    if next_run_on.day > 28:
        raise ValidationFailed("A cycle runs on day 1-28 of a month, so it never drifts.",
                               errors={"next_run_on": "day 1-28"})
    try:
        with transaction.atomic():
            return BillSchedule.objects.create(
                tenant_id=tenant_id, cycle_name=cycle_name, utility_service_id=utility_service,
                period_months=period_months, next_run_on=next_run_on)
    except IntegrityError:
        raise Conflict(f"A bill cycle named {cycle_name!r} exists.", code="duplicate") from None


# The tenant's own date today, for a schedule row (its time zone from the tenant profile).
_PROFILE, _SCHEDULE = TenantProfile._meta.db_table, BillSchedule._meta.db_table
_LOCAL_TODAY_SQL = (f"(now() AT TIME ZONE COALESCE((SELECT p.timezone FROM {_PROFILE} p "  # noqa: S608
                    f"WHERE p.tenant_id = {_SCHEDULE}.tenant_id), 'UTC'))::date")
_LOCAL_TODAY = RawSQL(_LOCAL_TODAY_SQL, [])  # noqa: S611 - our table names, no input


def bill_schedules_fire_due(*, as_of: date | None, now: datetime) -> dict[str, int]:
    """Queue a BillRun for every active schedule due (as of `as_of`, else each tenant's own
    today) and advance it one period.

    Set-based: one locking SELECT, one INSERT ... ON CONFLICT DO NOTHING, one UPDATE. A schedule
    far behind is caught up one period per firing rather than in one burst. Re-firing a period
    (a reset next_run_on, two overlapping beats, a run started by hand) is absorbed by the
    unique constraints on runs.
    """
    with transaction.atomic():
        due_filter: dict[str, Any] = {"next_run_on__lte": as_of or _LOCAL_TODAY}
        # skip_locked: a concurrent firing takes the other schedules instead of waiting.
        due = list(
            BillSchedule.objects.select_for_update(skip_locked=True)
            .filter(active=True, **due_filter)
            .only("pk", "tenant_id", "next_run_on", "period_months", "utility_service_id")
        )
        if not due:
            return {"due": 0, "created": 0}
        runs = BillRun.objects.filter(schedule__in=due)
        before = set(runs.values_list("pk", flat=True))
        BillRun.objects.bulk_create(
            [BillRun(tenant_id=s.tenant_id, schedule=s, utility_service_id=s.utility_service_id,
                     period_start=add_months(s.next_run_on, -s.period_months),
                     period_end=s.next_run_on - timedelta(days=1)) for s in due],
            ignore_conflicts=True,
        )
        fired = sorted(set(runs.values_list("pk", flat=True)) - before)
        for run_id in fired:
            enqueue_on_commit(pipeline.ADVANCE_TASK, run_id)
        for s in due:
            s.next_run_on = add_months(s.next_run_on, s.period_months)
            s.updated_at = now
        BillSchedule.objects.bulk_update(due, ["next_run_on", "updated_at"])
    return {"due": len(due), "created": len(fired)}


# -- runs -------------------------------------------------------------------------------------
def _service(tenant_id: uuid.UUID, service_id: int) -> UtilityService:
    found = UtilityService.objects.filter(tenant_id=tenant_id, service_id=service_id).first()
    if found is None:
        raise NotFound(f"Unknown utility service {service_id}.", code="unknown_utility_service")
    return found


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise ValidationFailed("The period ends before it starts.", errors={"period_end": "before start"})
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationFailed("A billing period is at most a year.", errors={"period_end": "too long"})


def bill_run_create(*, tenant_id: uuid.UUID, utility_service: int, period_start: date,
                    period_end: date, dry_run: bool = False, due_days: int = 15,
                    tariff_change: dict[str, Any] | None = None) -> BillRun:
    """Queue a run (the worker rates it); a live run per service and period is unique (409)."""
    _check_period(period_start, period_end)
    _service(tenant_id, utility_service)
    proposed: dict[str, Any] = {}
    if tariff_change is not None:
        if not dry_run:
            raise ValidationFailed("A tariff change can only be simulated (dry_run true).",
                                   errors={"tariff_change": "needs dry_run"})
        plan = Plan.objects.filter(tenant_id=tenant_id, plan_id=tariff_change["plan"]).first()
        if plan is None or plan.utility_service_id != utility_service:
            raise NotFound(f"Unknown plan {tariff_change['plan']} of this utility service.",
                           code="unknown_plan")
        tariff = Tariff.model_validate(tariff_change["tariff"])
        rating.check_tariff(tariff)
        proposed = {"proposed_plan_id": plan.plan_id, "baseline_total": 0,
                    "proposed_tariff": tariff.model_dump(mode="json")}
    try:
        with transaction.atomic():
            run = BillRun.objects.create(
                tenant_id=tenant_id, utility_service_id=utility_service, period_start=period_start,
                period_end=period_end, dry_run=dry_run, due_days=due_days, **proposed)
            enqueue_on_commit(pipeline.ADVANCE_TASK, run.pk)
    except IntegrityError:
        raise Conflict(f"A bill run for utility service {utility_service} and {period_start}.."
                       f"{period_end} exists.", code="duplicate_run") from None
    return run


def _run(tenant_id: uuid.UUID, run_id: int) -> BillRun:
    run = BillRun.objects.filter(tenant_id=tenant_id, pk=run_id).first()
    if run is None:
        raise NotFound("No such bill run.")
    return run


def bill_run_approve(*, tenant_id: uuid.UUID, run_id: int) -> BillRun:
    """DRAFT → APPROVED, with every draft bill of the run, in one transaction."""
    run = _run(tenant_id, run_id)
    if run.dry_run:
        raise Conflict("A dry run is a simulation: it cannot be approved.", code="dry_run")
    with transaction.atomic():
        rows = BillRun.objects.filter(tenant_id=tenant_id, pk=run_id)
        RUN.move(rows, S.APPROVED, label=f"Bill run {run_id}")
        Bill.objects.filter(run_id=run_id, status=Bill.Status.DRAFT).update(
            status=Bill.Status.APPROVED, updated_at=timezone.now())
    return _run(tenant_id, run_id)


def bill_run_issue(*, tenant_id: uuid.UUID, run_id: int) -> BillRun:
    """APPROVED → ISSUING; the worker numbers, issues and publishes the bills in chunks."""
    _run(tenant_id, run_id)
    with transaction.atomic():
        rows = BillRun.objects.filter(tenant_id=tenant_id, pk=run_id)
        RUN.move(rows, S.ISSUING, label=f"Bill run {run_id}", issued_on=tenant_today(tenant_id),
                 heartbeat_at=timezone.now())
        enqueue_on_commit(pipeline.ADVANCE_TASK, run_id)
    return _run(tenant_id, run_id)


# -- single bills -----------------------------------------------------------------------------
def bill_off_cycle_create(*, tenant_id: uuid.UUID, account: str, period_start: date,
                          period_end: date) -> Bill:
    """One account's bill outside its cycle (a move-out, a correction): rated now, DRAFT."""
    _check_period(period_start, period_end)
    acc = Account.objects.filter(tenant_id=tenant_id, number=account).first()
    if acc is None:
        raise NotFound(f"Unknown account {account}.", code="unknown_account")
    window = collect.Window.of(tenant_id=tenant_id, period_start=period_start, period_end=period_end)
    rows = collect.chunk(tenant_id=tenant_id, service_id=acc.utility_service_id,
                         period_start=period_start, period_end=period_end, window=window, after=0,
                         limit=1, only={"account": acc.pk})
    if not rows:
        raise Conflict(f"Account {account} was not connected in that period.", code="not_connected")
    row = collect.Row(**{**rows[0].__dict__, "billed_elsewhere": False})
    tariffs = engine.Tariffs(tenant_id=tenant_id, period_start=period_start, period_end=period_end)
    result = engine.price([row], tariffs=tariffs,
                          unit=engine.unit_of(tenant_id=tenant_id, service_id=acc.utility_service_id))
    held = [(kind, why) for _, kind, billed, why in result.exceptions if not billed]
    if held:
        raise Conflict(f"Account {account} cannot be billed: {held[0][1]}.", code=held[0][0].lower())
    with transaction.atomic():
        (written,) = engine.write(tenant_id=tenant_id, run_id=None, kind=Bill.Kind.OFF_CYCLE,
                                  simulated=False, period_start=period_start, period_end=period_end,
                                  currency=pipeline.currency_of(tenant_id), result=result)
    return Bill.objects.get(pk=written.bill_id)


def _bill(tenant_id: uuid.UUID, bill_id: int) -> Bill:
    bill = Bill.objects.filter(tenant_id=tenant_id, pk=bill_id, simulated=False).first()
    if bill is None:
        raise NotFound("No such bill.")
    return bill


def bill_approve(*, tenant_id: uuid.UUID, bill_id: int) -> Bill:
    bill = _bill(tenant_id, bill_id)
    if bill.run_id is not None:
        raise Conflict("A run's bills are approved with their run.", code="bill_of_a_run")
    BILL.move(Bill.objects.filter(pk=bill_id), Bill.Status.APPROVED, label=f"Bill {bill_id}",
              updated_at=timezone.now())
    return _bill(tenant_id, bill_id)


def bill_issue(*, tenant_id: uuid.UUID, bill_id: int, due_days: int = 15) -> Bill:
    bill = _bill(tenant_id, bill_id)
    if bill.run_id is not None:
        raise Conflict("A run's bills are issued with their run.", code="bill_of_a_run")
    with transaction.atomic():
        locked = Bill.objects.select_for_update().get(pk=bill_id)
        BILL.check(locked.status, Bill.Status.ISSUED, label=f"Bill {bill_id}")
        pipeline.issue_bills(tenant_id=tenant_id, bill_ids=[bill_id],
                             issued_on=tenant_today(tenant_id), due_days=due_days)
    return _bill(tenant_id, bill_id)


def bill_void(*, tenant_id: uuid.UUID, bill_id: int, reason: str) -> Bill:
    """Void a bill; an issued one is credited back (bx.bill.voided → rx credits the account)."""
    _bill(tenant_id, bill_id)
    now = timezone.now()
    with transaction.atomic():
        bill = Bill.objects.select_for_update().get(pk=bill_id)
        was = bill.status
        BILL.move(Bill.objects.filter(pk=bill_id), Bill.Status.VOID, label=f"Bill {bill_id}",
                  voided_at=now, void_reason=reason, updated_at=now)
        if was == Bill.Status.ISSUED:
            publish(BillVoided(bill_id=bill.pk, number=bill.number, account_number=bill.account_number,
                               credit_amount=bill.total, reason=reason, voided_at=now),
                    tenant_id=tenant_id)
        if bill.run_id is not None and was != Bill.Status.ISSUED:
            BillRun.objects.filter(pk=bill.run_id).update(
                billed=F("billed") - 1, total=F("total") - bill.total)
    return _bill(tenant_id, bill_id)
