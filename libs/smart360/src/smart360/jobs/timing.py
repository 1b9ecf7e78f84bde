"""When a crontab fires, and how long a missed fire stays worth running (`expires`)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from celery.schedules import crontab

HORIZON_DAYS = 62  # long enough to see two fires of a monthly job
MIN_EXPIRES = 30
MAX_EXPIRES = 24 * 3600


def fire_times(schedule: crontab, start: date, days: int = HORIZON_DAYS) -> list[datetime]:
    """Every fire of `schedule` from `start` for `days` days (naive, in the crontab's zone)."""
    fires = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        celery_weekday = (day.weekday() + 1) % 7  # crontab: 0 = Sunday
        if (day.month in schedule.month_of_year and day.day in schedule.day_of_month
                and celery_weekday in schedule.day_of_week):
            fires += [datetime(day.year, day.month, day.day, h, m)
                      for h in sorted(schedule.hour) for m in sorted(schedule.minute)]
    return fires


def default_expires(schedule: crontab, start: date = date(2026, 1, 1)) -> int:
    """80 % of the shortest gap between two fires: a fire that waited longer than that (a worker
    down, a backlog) is dropped, because the next one is nearly due. Capped at a day."""
    fires = fire_times(schedule, start)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(fires)]
    if not gaps:
        return MAX_EXPIRES
    return int(max(MIN_EXPIRES, min(MAX_EXPIRES, 0.8 * min(gaps))))
