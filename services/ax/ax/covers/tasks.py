"""The expiry reminders: daily, set-based, once per cover, end date and window."""

from __future__ import annotations

from datetime import date

from celery.schedules import crontab

from ax.covers import services
from smart360.jobs.schedule import job


@job(crontab(minute=15))
def send_cover_reminders(*, as_of: date | None) -> dict[str, int]:
    """Contracts and policies ending within 30 (then 7) days, as of `as_of` or each tenant's
    today: `ax.cover.expiring`, once each."""
    return services.cover_reminders_send(as_of=as_of)
