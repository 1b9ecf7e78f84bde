"""Jobs of the readings app: thin, a service call each, idempotent, runnable with --as-of."""

from __future__ import annotations

from datetime import date

from celery.schedules import crontab
from django.utils import timezone

from mx.readings import services
from smart360.jobs.schedule import job


@job(crontab(minute=5))
def open_read_cycles(*, as_of: date | None) -> dict[str, int]:
    """Open the cycles whose schedule is due as of `as_of` (default: each tenant's today) and
    start the SCHEDULED ones whose start day has come."""
    return services.read_cycles_open(as_of=as_of, now=timezone.now())


@job(crontab(minute=15))
def mark_overdue_read_cycles(*, as_of: date | None) -> dict[str, int]:
    return {"delayed": services.read_cycles_mark_overdue(today=as_of, now=timezone.now())}


@job(crontab(minute=25))
def mark_missing_readings(*, as_of: date | None) -> dict[str, int]:
    """Meters not read in a cycle past its due date get a MISSING reading."""
    return {"missing": services.readings_mark_missing(as_of=as_of, now=timezone.now())}
