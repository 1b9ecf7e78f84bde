from __future__ import annotations

from celery.schedules import crontab
from django.utils import timezone

from auth.tokens import services
from smart360.jobs.schedule import job


@job(crontab(minute=17, hour="*/6"))
def purge_refresh_tokens() -> dict[str, int]:
    return {"deleted": services.refresh_tokens_purge(now=timezone.now())}
