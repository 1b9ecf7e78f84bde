"""Writes of the workorders app."""

from __future__ import annotations

from datetime import datetime

from wx.workorders.models import WorkOrder


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
