"""publish(): outbox rows in the caller's transaction, and a nudge to the relay on commit."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from contextlib import nullcontext
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from smart360 import requestid
from smart360.celery.tasks import dispatch
from smart360.conf import service_name
from smart360.contracts import Event
from smart360.events.models import OutboxEvent
from smart360.logging import get_logger
from smart360.observability import tracing
from smart360.redis import redis_client
from smart360.registry import load

log = get_logger(__name__)
TRIGGER_TTL_SECONDS = 5
BULK_SIZE = 2000


def relay_task_name(service: str) -> str:
    return f"{service}.relay_outbox"


def _check_publishes(event_type: str) -> None:
    service = service_name()
    if event_type not in load().service(service).publishes:
        raise ValueError(f"{service} does not publish {event_type!r} (see services.toml)")


def _row(event: Event, tenant_id: uuid.UUID | str | None) -> OutboxEvent:
    return OutboxEvent(type=event.type, version=event.version, tenant_id=tenant_id,
                       occurred_at=timezone.now(), request_id=requestid.get(),
                       traceparent=tracing.traceparent(), payload=event.payload())


def _publish_span(event_types: str, tenant_id: uuid.UUID | str | None) -> Any:
    """The producer span of an outbox write; its traceparent travels in the envelope."""
    if not tracing.enabled():
        return nullcontext()
    return tracing.span(f"publish {event_types}", kind="producer", attributes={
        "smart360.event.type": event_types, tracing.TENANT: str(tenant_id) if tenant_id else None})


def publish(event: Event, *, tenant_id: uuid.UUID | str | None) -> uuid.UUID:
    """Record one event for delivery once the surrounding transaction commits.

    The contract validated the payload when `event` was built, so a bad payload fails the write,
    not the relay; the registry must list the type under this service's `publishes`.
    """
    _check_publishes(event.type)
    with _publish_span(event.type, tenant_id) as current:
        row = _row(event, tenant_id)
        row.save(force_insert=True)
        tracing.set_attributes(current, {"smart360.event.id": str(row.id)})
    transaction.on_commit(trigger_relay, robust=True)
    return row.id


def publish_many(events: Iterable[Event], *, tenant_id: uuid.UUID | str | None) -> int:
    """Many events of one tenant, written by COPY in slices of BULK_SIZE (a bill run issues tens
    of thousands: Django's bulk_create quotes each value of its UNNEST arrays in Python, which
    was a third of issuing 10,000 bills)."""
    with _publish_span("many", tenant_id) as current:
        count, types = _copy_rows(events, tenant_id)
        tracing.set_attributes(current, {"smart360.events.count": count,
                                         "smart360.event.type": ",".join(sorted(types))})
    if count:
        transaction.on_commit(trigger_relay, robust=True)
    return count


def _copy_rows(events: Iterable[Event], tenant_id: uuid.UUID | str | None) -> tuple[int, set[str]]:
    checked: set[str] = set()
    table = OutboxEvent._meta.db_table
    rid = requestid.get()
    traceparent = tracing.traceparent()  # every row continues the one publish span
    count = 0
    batch: list[tuple[object, ...]] = []

    def flush() -> None:
        with connection.cursor() as cursor:
            raw: Any = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
            with raw.copy(f"COPY {table} (id, type, version, tenant_id, occurred_at, request_id, "
                          "traceparent, payload, created_at) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)

    for event in events:
        if event.type not in checked:
            _check_publishes(event.type)
            checked.add(event.type)
        now = timezone.now()
        batch.append((uuid.uuid4(), event.type, event.version, tenant_id, now, rid, traceparent,
                      json.dumps(event.payload()), now))
        if len(batch) >= BULK_SIZE:
            flush()
            count += len(batch)
            batch = []
    if batch:
        flush()
        count += len(batch)
    return count, checked


def pending_key(service: str) -> str:
    return f"smart360:events:relay-pending:{service}"


def trigger_relay() -> None:
    """Ask a worker to drain the outbox, unless a drain is already queued (one per burst).

    The relay task deletes the key before reading the outbox, so a row committed after that
    read sets the key again and queues the next drain. Broker down: the beat sweep sends later.
    """
    service = service_name()
    try:
        if redis_client().set(pending_key(service), "1", nx=True, ex=TRIGGER_TTL_SECONDS):
            dispatch(relay_task_name(service), queue=load().service(service).queue, retry=False)
    except Exception as exc:
        log.warning("relay_trigger_failed", error=f"{type(exc).__name__}: {exc}")
