"""Every scheduled job of auth, in one place. Crontab only (intervals drift and reset on
restart); every entry expires, so a backlog after an outage is dropped rather than replayed.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "auth.expire_one_time_tokens": {
        "task": "auth.expire_one_time_tokens",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 600},
    },
    "auth.purge_refresh_tokens": {
        "task": "auth.purge_refresh_tokens",
        "schedule": crontab(minute=17, hour="*/6"),
        "options": {"expires": 3600},
    },
}
