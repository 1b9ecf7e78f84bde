"""Every scheduled job of notification, in one place. Crontab only (intervals drift and reset on
restart); every entry expires, so a backlog after an outage is dropped rather than replayed.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "notification.retry_failed_deliveries": {
        "task": "notification.retry_failed_deliveries",
        "schedule": crontab(),  # every minute: backoff is per delivery (next_attempt_at)
        "options": {"expires": 50},
    },
}
