from __future__ import annotations

from datetime import date

from celery.schedules import crontab

from onboarding.tariffs import services
from smart360.jobs.schedule import job


@job(crontab(minute=5))
def activate_tariff_versions(*, as_of: date | None = None) -> dict[str, int]:
    """Hourly, so that each tenant's midnight (in its own time zone) is caught within the hour;
    announces each version once. `--as-of` acts as if that date were every tenant's today."""
    return services.tariff_versions_activate_due(as_of=as_of)
