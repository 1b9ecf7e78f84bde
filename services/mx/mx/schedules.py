"""Every scheduled job of mx, in one place. Crontab only (intervals drift and reset on
restart); every entry expires, so a backlog after an outage is dropped rather than replayed.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Due dates are whole days; hourly so a missed tick is made good within the hour.
    "mx.mark_overdue_read_cycles": {
        "task": "mx.mark_overdue_read_cycles",
        "schedule": crontab(minute=15),
        "options": {"expires": 3000},
    },
}
