"""Writes of the consumers app."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cx.consumers.models import Consumer, ServiceRequest
from smart360.contracts.cx import ConsumerCreated
from smart360.errors import Conflict
from smart360.events.outbox import publish


def service_requests_flag_sla_breaches(*, now: datetime) -> int:
    """Stamp every open request past its resolution SLA, in one UPDATE. Idempotent."""
    return (
        ServiceRequest.objects.filter(resolution_due_at__lt=now, breached_at__isnull=True)
        .filter(~Q(status=ServiceRequest.Status.RESOLVED))
        .update(breached_at=now)
    )


def _generated_number() -> str:
    return f"CUST-{timezone.now():%Y%m}-{secrets.randbelow(10**6):06d}"


def consumer_create(
    *, tenant_id: uuid.UUID, name: str, email: str = "", phone: str = "", number: str = "",
    locale: str = "en",
) -> Consumer:
    """Create a consumer and announce it (`cx.consumer.created`) in the same transaction."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                consumer = Consumer.objects.create(
                    tenant_id=tenant_id, name=name, email=email, phone=phone,
                    number=number or _generated_number(),
                )
                publish(ConsumerCreated(consumer_id=consumer.pk, number=consumer.number, name=name,
                                        email=email, phone=phone, locale=locale),
                        tenant_id=tenant_id)
                return consumer
        except IntegrityError as exc:
            if number or attempt == 2:
                raise Conflict(f"Consumer number {number or 'generated'} is already taken.",
                               code="consumer_number_taken") from exc
    raise AssertionError("unreachable")
