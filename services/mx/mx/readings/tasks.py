from __future__ import annotations

from celery.schedules import crontab
from django.utils import timezone

from mx.readings import services
from smart360.jobs.schedule import job


@job(crontab(minute=15))
def mark_overdue_read_cycles() -> dict[str, int]:
    now = timezone.now()
    return {"delayed": services.read_cycles_mark_overdue(today=now.date(), now=now)}
