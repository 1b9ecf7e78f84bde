from __future__ import annotations

from django.utils import timezone

from smart360.celery import platform_task
from smart360.django.jobs import recorded_job
from wx.workorders import services


@platform_task("wx.monitor_work_order_sla")
@recorded_job("wx.monitor_work_order_sla")
def monitor_work_order_sla() -> dict[str, int]:
    return {"breached": services.work_orders_flag_sla_breaches(now=timezone.now())}
