"""Every scheduled job of ax, in one place. Crontab only (intervals drift and reset on
restart); every entry expires, so a backlog after an outage is dropped rather than replayed.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Contract ends are whole days: once a day, early, so reminders are out by office hours.
    "ax.flag_expiring_contracts": {
        "task": "ax.flag_expiring_contracts",
        "schedule": crontab(minute=0, hour=5),
        "options": {"expires": 3600},
    },
}
