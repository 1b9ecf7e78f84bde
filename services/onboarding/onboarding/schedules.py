"""Every scheduled job of onboarding, in one place. Crontab only (intervals drift and reset on
restart); every entry expires, so a backlog after an outage is dropped rather than replayed.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Effective dates are whole days (UTC): shortly after midnight, well before the first bill run.
    "onboarding.activate_tariff_versions": {
        "task": "onboarding.activate_tariff_versions",
        "schedule": crontab(minute=5, hour=0),
        "options": {"expires": 3600},
    },
}
