from __future__ import annotations

from django.utils import timezone

from auth.tokens import services
from smart360.celery import platform_task
from smart360.django.jobs import recorded_job


@platform_task("auth.purge_refresh_tokens")
@recorded_job("auth.purge_refresh_tokens")
def purge_refresh_tokens() -> dict[str, int]:
    return {"deleted": services.refresh_tokens_purge(now=timezone.now())}
