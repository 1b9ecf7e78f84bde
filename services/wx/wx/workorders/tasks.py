from __future__ import annotations

from datetime import date

from celery.schedules import crontab

from smart360.jobs.schedule import job
from wx.workorders import assignment, services


@job(crontab(minute="*/5"))
def monitor_work_order_sla(*, as_of: date | None = None) -> dict[str, int]:
    """Open work past its due time is stamped overdue (once). `as_of`: as at the end of that
    day (UTC), never later than now."""
    return {"breached": services.work_orders_flag_sla_breaches(now=services.sweep_moment(as_of))}


@job(crontab(minute="*/10"))
def auto_assign_work_orders() -> dict[str, int]:
    """Work waiting for a technician (none fitted when it arrived, or the one who had it declined
    it) for technicians added or freed since: a few statements however many orders."""
    return {"assigned": assignment.work_orders_auto_assign()}
