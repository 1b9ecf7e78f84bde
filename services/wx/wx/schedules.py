"""Every scheduled job of wx, in one place. Crontab only (intervals drift and reset on
restart); every entry expires, so a backlog after an outage is dropped rather than replayed.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # SLAs are counted in hours: five minutes late is the most a breach goes unnoticed.
    "wx.monitor_work_order_sla": {
        "task": "wx.monitor_work_order_sla",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
}
