"""The SLA-breach sweep: every five minutes, set-based."""

from __future__ import annotations

from celery.schedules import crontab
from django.utils import timezone

from cx.service_requests import services
from smart360.jobs.schedule import job


@job(crontab(minute="*/5"))
def sweep_sla_breaches() -> dict[str, int]:
    """Open service requests and complaints past their response or resolution due time."""
    return services.sla_breaches_flag(now=timezone.now())
