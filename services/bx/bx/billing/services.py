"""Writes of the billing app."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction

from bx.billing.models import BillRun, BillSchedule


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months; schedules run on days 1-28, so the day always exists."""
    year, month = divmod(day.month - 1 + months, 12)
    return day.replace(year=day.year + year, month=month + 1)


def bill_schedules_fire_due(*, today: date, now: datetime) -> dict[str, int]:
    """Queue a BillRun for every active schedule due today or earlier and advance it one period.

    Set-based: one locking SELECT, one INSERT ... ON CONFLICT DO NOTHING, one UPDATE. A schedule
    far behind is caught up one period per firing rather than in one burst. Re-firing a period
    (a reset next_run_on, two overlapping beats) is absorbed by the (schedule, period_start)
    unique constraint.
    """
    with transaction.atomic():
        # skip_locked: a concurrent firing takes the other schedules instead of waiting.
        due = list(
            BillSchedule.objects.select_for_update(skip_locked=True)
            .filter(active=True, next_run_on__lte=today)
            .only("pk", "tenant_id", "next_run_on", "period_months")
        )
        if not due:
            return {"due": 0, "created": 0}
        runs = BillRun.objects.filter(schedule__in=due)
        before = runs.count()
        BillRun.objects.bulk_create(
            [
                BillRun(
                    tenant_id=s.tenant_id,
                    schedule=s,
                    period_start=add_months(s.next_run_on, -s.period_months),
                    period_end=s.next_run_on - timedelta(days=1),
                )
                for s in due
            ],
            ignore_conflicts=True,
        )
        created = runs.count() - before
        for s in due:
            s.next_run_on = add_months(s.next_run_on, s.period_months)
            s.updated_at = now
        BillSchedule.objects.bulk_update(due, ["next_run_on", "updated_at"])
    return {"due": len(due), "created": created}
