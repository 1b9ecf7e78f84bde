"""publish(): one outbox row in the caller's transaction, and a nudge to the relay on commit."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from smart360 import requestid
from smart360.events.models import OutboxEvent
from smart360.logging import get_logger
from smart360.redis import redis_client
from smart360.registry import load

log = get_logger(__name__)
TRIGGER_TTL_SECONDS = 5


def publish(
    event_type: str,
    payload: dict[str, Any],
    tenant_id: uuid.UUID | str | None,
    *,
    version: int = 1,
) -> uuid.UUID:
    """Record an event for delivery once the surrounding transaction commits."""
    service = settings.SMART360_SERVICE
    if event_type not in load().service(service).publishes:
        raise ValueError(f"{service} does not publish {event_type!r} (see services.toml)")
    import json

    # Round-trip through JSON now: a non-serializable payload fails the write, not the relay.
    safe_payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    row = OutboxEvent.objects.create(
        type=event_type,
        version=version,
        tenant_id=tenant_id,
        occurred_at=timezone.now(),
        request_id=requestid.get(),
        payload=safe_payload,
    )
    transaction.on_commit(trigger_relay, robust=True)
    return row.id


def pending_key(service: str) -> str:
    return f"smart360:events:relay-pending:{service}"


def trigger_relay() -> None:
    """Ask a worker to drain the outbox, unless a drain is already queued (one per burst).

    The relay task deletes the key before reading the outbox, so a row committed after that
    read sets the key again and queues the next drain. Broker down: the beat sweep sends later.
    """
    from smart360.events.tasks import relay_outbox

    service = settings.SMART360_SERVICE
    try:
        if redis_client().set(pending_key(service), "1", nx=True, ex=TRIGGER_TTL_SECONDS):
            relay_outbox.apply_async(retry=False)
    except Exception as exc:
        log.warning("relay_trigger_failed", error=f"{type(exc).__name__}: {exc}")
