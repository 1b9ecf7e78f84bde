"""The bill run pipeline on the worker: RUNNING (collect → rate → exceptions, chunk by chunk) →
DRAFT, and ISSUING (number, issue and publish, chunk by chunk) → ISSUED.

Exactly once, whatever happens to the worker. Each chunk is one transaction that first locks the
run row (so two workers on one run take turns, never the same chunk), then writes the chunk's
bills together with the run's `checkpoint` (the last account id done) and counters. A worker
killed mid-chunk rolls that chunk back; the run is picked up again — the task is acks_late (a
lost child's message comes back) and the `resume_stalled_bill_runs` sweep re-sends any run whose
heartbeat stopped — and continues after the checkpoint. The unique constraints (run, account)
and (account, period) are the last word if anything else went wrong. Memory stays bounded: only
one chunk of rows is held at a time.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from bx.billing import collect, engine
from bx.billing.models import Bill, BillRun
from smart360.celery.tasks import enqueue_on_commit
from smart360.contracts.bx import BillIssued
from smart360.contracts.onboarding import Tariff
from smart360.domain.models import TenantProfile
from smart360.domain.numbering import Format, numbers_take
from smart360.domain.tenants import tenant_today
from smart360.events.outbox import publish_many
from smart360.logging import get_logger

log = get_logger(__name__)
CHUNK = 2000
ISSUE_CHUNK = 5000
BUDGET_SECONDS = 120.0  # then the task re-sends itself: well inside the 240 s soft limit
STALL = timedelta(seconds=45)  # no heartbeat for this long: the sweep resumes the run
ADVANCE_TASK = "bx.advance_bill_run"
BILL_FORMAT = Format("BILL", "YYYYMM", 6)
S = BillRun.Status


def currency_of(tenant_id: uuid.UUID) -> str:
    return TenantProfile.objects.filter(tenant_id=tenant_id).values_list(
        "currency", flat=True).first() or "USD"


def advance(run_id: int, *, budget: float = BUDGET_SECONDS, chunk: int = CHUNK) -> str:
    """Move a run as far as it goes (within `budget` seconds); returns its status afterwards."""
    deadline = time.monotonic() + budget
    BillRun.objects.filter(pk=run_id, status=S.QUEUED).update(
        status=S.RUNNING, heartbeat_at=timezone.now())
    try:
        while time.monotonic() < deadline:
            status = _step(run_id, chunk)
            if status not in (S.RUNNING, S.ISSUING):
                return status
    except Exception as exc:
        fail(run_id, f"{type(exc).__name__}: {exc}")
        raise
    enqueue_on_commit(ADVANCE_TASK, run_id)  # out of time: continue in a fresh task
    return BillRun.objects.filter(pk=run_id).values_list("status", flat=True).get()


def _step(run_id: int, chunk: int) -> str:
    with transaction.atomic():
        run = BillRun.objects.select_for_update().get(pk=run_id)
        if run.status == S.RUNNING:
            _rate_chunk(run, chunk)
        elif run.status == S.ISSUING:
            _issue_chunk(run, ISSUE_CHUNK)
        return run.status


def _rate_chunk(run: BillRun, size: int) -> None:
    window = collect.Window.of(tenant_id=run.tenant_id, period_start=run.period_start,
                               period_end=run.period_end)
    only = {"plan": run.proposed_plan_id} if run.proposed_plan_id else None
    rows = collect.chunk(tenant_id=run.tenant_id, service_id=run.utility_service_id,
                         period_start=run.period_start, period_end=run.period_end, window=window,
                         after=run.checkpoint, limit=size, run_id=run.pk, only=only)
    now = timezone.now()
    if not rows:
        run.status, run.heartbeat_at = S.DRAFT, now
        run.save(update_fields=["status", "heartbeat_at", "updated_at"])
        log.info("bill_run_rated", run=run.pk, accounts=run.accounts, billed=run.billed,
                 exceptions=run.exceptions, total=str(run.total))
        return
    proposed = (run.proposed_plan_id, Tariff.model_validate(run.proposed_tariff)) \
        if run.proposed_plan_id and run.proposed_tariff else None
    tariffs = engine.Tariffs(tenant_id=run.tenant_id, period_start=run.period_start,
                             period_end=run.period_end, proposed=proposed)
    result = engine.price(rows, tariffs=tariffs,
                          unit=engine.unit_of(tenant_id=run.tenant_id, service_id=run.utility_service_id))
    written = engine.write(tenant_id=run.tenant_id, run_id=run.pk, kind=Bill.Kind.CYCLE,
                           simulated=run.dry_run, period_start=run.period_start,
                           period_end=run.period_end, currency=currency_of(run.tenant_id), result=result)
    total = sum((x.rated.total for x in written), Decimal(0))
    base = sum((x.baseline.total for x in written if x.baseline), Decimal(0))
    changes = {"baseline_total": F("baseline_total") + base} if proposed else {}
    BillRun.objects.filter(pk=run.pk).update(
        checkpoint=rows[-1].account_id, heartbeat_at=now, updated_at=now,
        accounts=F("accounts") + sum(1 for r in rows if not r.billed_elsewhere),
        billed=F("billed") + len(written), exceptions=F("exceptions") + len(result.exceptions),
        total=F("total") + total, **changes)


def _issue_chunk(run: BillRun, size: int) -> None:
    """Number, issue and publish up to `size` approved bills of the run, in one transaction."""
    ids = list(Bill.objects.select_for_update().filter(run=run, status=Bill.Status.APPROVED)
               .order_by("id").values_list("id", flat=True)[:size])
    now = timezone.now()
    if not ids:
        BillRun.objects.filter(pk=run.pk).update(status=S.ISSUED, heartbeat_at=now, updated_at=now)
        run.status = S.ISSUED
        return
    issue_bills(tenant_id=run.tenant_id, bill_ids=ids, issued_on=run.issued_on or tenant_today(run.tenant_id),
                due_days=run.due_days)
    BillRun.objects.filter(pk=run.pk).update(heartbeat_at=now, updated_at=now)


def issue_bills(*, tenant_id: uuid.UUID, bill_ids: list[int], issued_on: date, due_days: int) -> int:
    """APPROVED bills → ISSUED with consecutive numbers, and one bx.bill.issued each (bulk)."""
    numbers = numbers_take(tenant_id=tenant_id, entity="bill", on=issued_on,
                           count=len(bill_ids), default=BILL_FORMAT)
    table = Bill._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} b SET status = 'ISSUED', number = u.num, issued_on = %(on)s, "  # noqa: S608
            "due_date = %(on)s::date + %(days)s, updated_at = now() "
            "FROM jsonb_to_recordset(%(rows)s::jsonb) AS u(id bigint, num text) "
            "WHERE b.id = u.id AND b.tenant_id = %(tenant)s AND b.status = 'APPROVED' "
            "RETURNING b.id, b.number, b.account_number, b.period_start, b.period_end, b.issued_on, "
            "b.due_date, b.consumption, b.subtotal, b.tax, b.total, b.currency",
            {"on": issued_on, "days": due_days, "tenant": tenant_id,
             "rows": json.dumps([{"id": i, "num": n} for i, n in zip(bill_ids, numbers, strict=True)])})
        rows = cursor.fetchall()
    publish_many((BillIssued(bill_id=r[0], number=r[1], account_number=r[2], period_start=r[3],
                             period_end=r[4], issued_on=r[5], due_date=r[6], consumption=r[7],
                             subtotal=r[8], tax=r[9], total=r[10], currency=r[11],
                             pdf_path=f"/bx/api/v1/bills/{r[0]}/pdf/") for r in rows),
                 tenant_id=tenant_id)
    return len(rows)


def fail(run_id: int, error: str) -> None:
    """A run that broke (not a killed worker: that resumes): FAILED, its drafts removed, so a new
    run for the period may start clean."""
    with transaction.atomic():
        moved = BillRun.objects.filter(pk=run_id, status__in=[S.QUEUED, S.RUNNING]).update(
            status=S.FAILED, error=error[:2000])
        if moved:
            Bill.objects.filter(run_id=run_id, status=Bill.Status.DRAFT).delete()
    log.error("bill_run_failed", run=run_id, error=error)


def resume_stalled(*, now: datetime | None = None) -> int:
    """Re-send every run in motion whose heartbeat stopped (a worker killed outright)."""
    cutoff = (now or timezone.now()) - STALL
    stalled = list(BillRun.objects.filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff),
        status__in=[S.QUEUED, S.RUNNING, S.ISSUING]).values_list("pk", flat=True))
    for run_id in stalled:
        enqueue_on_commit(ADVANCE_TASK, run_id)
    return len(stalled)
