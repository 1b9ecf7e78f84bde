from __future__ import annotations

from celery.schedules import crontab
from django.utils import timezone

from smart360.jobs.schedule import job
from wx.workorders import services


@job(crontab(minute="*/5"))
def monitor_work_order_sla() -> dict[str, int]:
    return {"breached": services.work_orders_flag_sla_breaches(now=timezone.now())}
