from __future__ import annotations

from celery.schedules import crontab
from django.utils import timezone

from ax.assets import services
from smart360.jobs.schedule import job


@job(crontab(minute=0, hour=5))
def flag_expiring_contracts() -> dict[str, int]:
    now = timezone.now()
    return {"flagged": services.maintenance_contracts_flag_expiring(today=now.date(), now=now)}
