"""Every scheduled job of bx, in one place. Crontab only (intervals drift and reset on
restart); every entry expires, so a backlog after an outage is dropped rather than replayed.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Hourly, after onboarding's 00:05 tariff activation: a missed tick costs at most an hour,
    # and a schedule that fell behind catches up one period per tick.
    "bx.fire_scheduled_bill_runs": {
        "task": "bx.fire_scheduled_bill_runs",
        "schedule": crontab(minute=30),
        "options": {"expires": 3000},
    },
}
