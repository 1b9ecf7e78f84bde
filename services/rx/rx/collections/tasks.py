from __future__ import annotations

from django.utils import timezone

from rx.collections import services
from smart360.celery import platform_task
from smart360.django.jobs import recorded_job


@platform_task("rx.refresh_aging")
@recorded_job("rx.refresh_aging")
def refresh_aging() -> dict[str, int]:
    now = timezone.now()
    return {"regraded": services.receivables_refresh_risk(today=now.date(), now=now)}
