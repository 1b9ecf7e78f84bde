from __future__ import annotations

from celery.schedules import crontab
from django.utils import timezone

from onboarding.tariffs import services
from smart360.jobs.schedule import job


@job(crontab(minute=5, hour=0))
def activate_tariff_versions() -> dict[str, int]:
    now = timezone.now()
    return services.tariff_versions_activate_due(today=now.date(), now=now)
