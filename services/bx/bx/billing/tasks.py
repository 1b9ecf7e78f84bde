from __future__ import annotations

from django.utils import timezone

from bx.billing import services
from smart360.celery import platform_task
from smart360.django.jobs import recorded_job


@platform_task("bx.fire_scheduled_bill_runs")
@recorded_job("bx.fire_scheduled_bill_runs")
def fire_scheduled_bill_runs() -> dict[str, int]:
    now = timezone.now()
    return services.bill_schedules_fire_due(today=now.date(), now=now)
