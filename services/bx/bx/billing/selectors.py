"""Reads of billing, always inside one tenant."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, QuerySet

from bx.billing.models import Bill, BillException, BillLine, BillRun, BillSchedule


def bill_cycle_list(*, tenant_id: uuid.UUID) -> QuerySet[BillSchedule]:
    return BillSchedule.objects.filter(tenant_id=tenant_id)


def bill_run_list(*, tenant_id: uuid.UUID, status: str = "") -> QuerySet[BillRun]:
    rows = BillRun.objects.filter(tenant_id=tenant_id)
    return rows.filter(status=status) if status else rows


def bill_run_get(*, tenant_id: uuid.UUID, run_id: int) -> BillRun | None:
    return BillRun.objects.filter(tenant_id=tenant_id, pk=run_id).first()


def bill_exception_list(*, tenant_id: uuid.UUID, run_id: int, kind: str = "") -> QuerySet[BillException]:
    rows = BillException.objects.filter(tenant_id=tenant_id, run_id=run_id)
    return rows.filter(kind=kind) if kind else rows


def _with_lines(rows: QuerySet[Bill]) -> QuerySet[Bill]:
    return rows.prefetch_related(Prefetch("lines", queryset=BillLine.objects.order_by("position")))


def bill_list(*, tenant_id: uuid.UUID, account: str = "", run: int | None = None, status: str = ""
              ) -> QuerySet[Bill]:
    """Real bills by default; a run's bills (a dry run's simulated ones too) with `run`."""
    rows = Bill.objects.filter(tenant_id=tenant_id)
    rows = rows.filter(run_id=run) if run is not None else rows.filter(simulated=False)
    if account:
        rows = rows.filter(account_number=account)
    if status:
        rows = rows.filter(status=status)
    return _with_lines(rows)


def bill_get(*, tenant_id: uuid.UUID, bill_id: int) -> Bill | None:
    return _with_lines(Bill.objects.filter(tenant_id=tenant_id, pk=bill_id)).first()
