from __future__ import annotations

from django.utils import timezone

from mx.readings import services
from smart360.celery import platform_task
from smart360.django.jobs import recorded_job


@platform_task("mx.mark_overdue_read_cycles")
@recorded_job("mx.mark_overdue_read_cycles")
def mark_overdue_read_cycles() -> dict[str, int]:
    now = timezone.now()
    return {"delayed": services.read_cycles_mark_overdue(today=now.date(), now=now)}
