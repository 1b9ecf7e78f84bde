"""Housekeeping jobs every service runs (added to each schedule by the library)."""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab
from django.utils import timezone

from smart360.django.models import IdempotencyKey
from smart360.jobs.schedule import job

IDEMPOTENCY_TTL = timedelta(hours=24)


@job(crontab(minute=7), name="smart360.purge_idempotency_keys", platform=True)
def purge_idempotency_keys() -> dict[str, int]:
    """Idempotency keys are promised for 24 hours; older ones only take space."""
    deleted, _ = IdempotencyKey.objects.filter(
        created_at__lt=timezone.now() - IDEMPOTENCY_TTL).delete()
    return {"deleted": deleted}
