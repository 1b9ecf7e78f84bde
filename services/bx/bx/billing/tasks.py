"""Tasks of billing: thin, ids in, a service call, idempotent."""

from __future__ import annotations

from datetime import date

from celery.schedules import crontab
from django.utils import timezone

from bx.billing import pipeline, services
from smart360.celery.tasks import platform_task
from smart360.jobs.schedule import job


@platform_task(pipeline.ADVANCE_TASK)
def advance_bill_run(run_id: int) -> str:
    """Rate (or issue) a run chunk by chunk; safe to run twice, or after a killed worker."""
    return pipeline.advance(run_id)


@job(crontab(minute=30))
def fire_scheduled_bill_runs(*, as_of: date | None) -> dict[str, int]:
    """Queue the runs of the bill cycles due as of `as_of` (default: each tenant's today)."""
    return services.bill_schedules_fire_due(as_of=as_of, now=timezone.now())


@job(crontab())
def resume_stalled_bill_runs() -> dict[str, int]:
    """Every minute: a run whose worker died (no heartbeat for a while) is sent again."""
    return {"resumed": pipeline.resume_stalled()}
