from __future__ import annotations

from celery.schedules import crontab
from django.utils import timezone

from bx.billing import services
from smart360.jobs.schedule import job


@job(crontab(minute=30))
def fire_scheduled_bill_runs() -> dict[str, int]:
    now = timezone.now()
    return services.bill_schedules_fire_due(today=now.date(), now=now)
