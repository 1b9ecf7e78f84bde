"""rx's nightly jobs: set-based over every account, each tenant on its own calendar (or all as
of `--as-of`)."""

from __future__ import annotations

from datetime import date

from celery.schedules import crontab

from rx.collections import services
from smart360.jobs.schedule import job


@job(crontab(minute=0, hour=2))
def refresh_aging(*, as_of: date | None) -> dict[str, int]:
    """Each account's overdue, buckets and risk, each receivable's risk, a snapshot per tenant."""
    return services.aging_refresh(as_of=as_of)


@job(crontab(minute=30, hour=2))
def run_dunning(*, as_of: date | None) -> dict[str, int]:
    """Open, advance and close dunning cases; reminders, final notices, disconnection requests."""
    return services.dunning_run(as_of=as_of)
