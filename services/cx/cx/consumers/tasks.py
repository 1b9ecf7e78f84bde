from __future__ import annotations

from django.utils import timezone

from cx.consumers import services
from smart360.celery import platform_task
from smart360.django.jobs import recorded_job


@platform_task("cx.sweep_sla_breaches")
@recorded_job("cx.sweep_sla_breaches")
def sweep_sla_breaches() -> dict[str, int]:
    return {"breached": services.service_requests_flag_sla_breaches(now=timezone.now())}
