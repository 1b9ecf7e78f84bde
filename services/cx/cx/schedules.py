"""Every scheduled job of cx, in one place. Crontab only (intervals drift and reset on
restart); every entry expires, so a backlog after an outage is dropped rather than replayed.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "cx.sweep_sla_breaches": {
        "task": "cx.sweep_sla_breaches",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
}
