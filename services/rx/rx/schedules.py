"""Every scheduled job of rx, in one place. Crontab only (intervals drift and reset on
restart); every entry expires, so a backlog after an outage is dropped rather than replayed.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Nightly, off-peak; the dunning run reads the grades this leaves behind.
    "rx.refresh_aging": {
        "task": "rx.refresh_aging",
        "schedule": crontab(minute=0, hour=2),
        "options": {"expires": 3 * 3600},
    },
}
