from __future__ import annotations

from celery.schedules import crontab
from django.utils import timezone

from cx.consumers import services
from smart360.jobs.schedule import job


@job(crontab(minute="*/5"))
def sweep_sla_breaches() -> dict[str, int]:
    return {"breached": services.service_requests_flag_sla_breaches(now=timezone.now())}
