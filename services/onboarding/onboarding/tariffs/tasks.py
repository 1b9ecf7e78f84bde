from __future__ import annotations

from django.utils import timezone

from onboarding.tariffs import services
from smart360.celery import platform_task
from smart360.django.jobs import recorded_job


@platform_task("onboarding.activate_tariff_versions")
@recorded_job("onboarding.activate_tariff_versions")
def activate_tariff_versions() -> dict[str, int]:
    now = timezone.now()
    return services.tariff_versions_activate_due(today=now.date(), now=now)
