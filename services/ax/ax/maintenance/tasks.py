"""The preventive-maintenance job: hourly, set-based, once per plan and period."""

from __future__ import annotations

from datetime import date

from celery.schedules import crontab

from ax.maintenance import services
from smart360.jobs.schedule import job


@job(crontab(minute=5))
def publish_maintenance_due(*, as_of: date | None) -> dict[str, int]:
    """Plans whose period came due as of `as_of` (or each tenant's today), and usage plans past
    their threshold: `ax.maintenance.due` once per (plan, period) → wx's PREVENTIVE work order."""
    return services.maintenance_due_publish(as_of=as_of)
