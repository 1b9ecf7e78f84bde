"""Writes of the consumers app."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from cx.consumers.models import ServiceRequest


def service_requests_flag_sla_breaches(*, now: datetime) -> int:
    """Stamp every open request past its resolution SLA, in one UPDATE. Idempotent."""
    return (
        ServiceRequest.objects.filter(resolution_due_at__lt=now, breached_at__isnull=True)
        .filter(~Q(status=ServiceRequest.Status.RESOLVED))
        .update(breached_at=now)
    )
