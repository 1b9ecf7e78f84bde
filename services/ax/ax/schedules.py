"""Every scheduled job of ax, in one place. Crontab only (intervals drift and reset on
restart); every entry expires, so a backlog after an outage is dropped rather than replayed.
"""

from celery.schedules import crontab  # noqa: F401  (the entries below use it)

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # "ax.example": {
    #     "task": "ax.example",
    #     "schedule": crontab(minute="*/5"),
    #     "options": {"expires": 240},
    # },
}
