from __future__ import annotations

from celery.schedules import crontab
from django.utils import timezone

from rx.collections import services
from smart360.jobs.schedule import job


@job(crontab(minute=0, hour=2))
def refresh_aging() -> dict[str, int]:
    now = timezone.now()
    return {"regraded": services.receivables_refresh_risk(today=now.date(), now=now)}
