"""Writes of the readings app."""

from __future__ import annotations

from datetime import date, datetime

from mx.readings.models import ReadCycle


def read_cycles_mark_overdue(*, today: date, now: datetime) -> int:
    """Scheduled or in-progress cycles whose due date has passed become DELAYED, in one UPDATE.

    A cycle due today is still on time. Idempotent: a DELAYED cycle no longer matches.
    """
    return ReadCycle.objects.filter(status__in=ReadCycle.OPEN, due_on__lt=today).update(
        status=ReadCycle.Status.DELAYED, delayed_at=now, updated_at=now
    )
