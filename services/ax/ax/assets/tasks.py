from __future__ import annotations

from django.utils import timezone

from ax.assets import services
from smart360.celery import platform_task
from smart360.django.jobs import recorded_job


@platform_task("ax.flag_expiring_contracts")
@recorded_job("ax.flag_expiring_contracts")
def flag_expiring_contracts() -> dict[str, int]:
    now = timezone.now()
    return {"flagged": services.maintenance_contracts_flag_expiring(today=now.date(), now=now)}
