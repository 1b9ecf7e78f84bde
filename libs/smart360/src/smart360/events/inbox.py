"""Subscribers: typed handlers per event type, run exactly once per event id (the inbox).

    @subscriber(ConnectionActivated)
    def project_account(received: Received[ConnectionActivated]) -> None: ...

    @subscriber(BillIssued, batch=True)        # many of one type: one set-based write per batch
    def post_bills(batch: list[Received[BillIssued]]) -> None: ...

The inbox row is written in the handler's transaction, so the effects and "seen" commit
together. An event this service cannot handle by retrying — nobody handles its type here, its
payload breaks the contract, or it came from a service the registry does not name as its
publisher — is parked as a dead letter with its envelope, visible and replayable.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db import connection, transaction
from django.db.models import F
from pydantic import ValidationError

from smart360 import requestid
from smart360.conf import service_name
from smart360.contracts import Event, contract_for
from smart360.events.envelope import Envelope
from smart360.events.models import InboxEvent
from smart360.observability import tracing
from smart360.registry import load

E = TypeVar("E", bound=Event, covariant=True)  # a Received[ConsumerCreated] is a Received[Event]


@dataclass(frozen=True)
class Received(Generic[E]):
    """One event as a handler gets it: the validated contract plus where it came from."""

    event: E
    id: str
    tenant_id: uuid.UUID | None
    occurred_at: datetime
    request_id: str
    source: str
    traceparent: str = ""  # the publish span (W3C), when the publisher traced it


@dataclass(frozen=True)
class Subscription:
    contract: type[Event]
    handler: Callable[[Any], None]
    batch: bool


class Parked(Exception):
    """Retrying cannot help this event here; it becomes a dead letter at once."""


_subscriptions: dict[str, list[Subscription]] = defaultdict(list)


HandlerFn = Callable[..., None]


def subscriber(contract: type[E], *, batch: bool = False) -> Callable[[HandlerFn], HandlerFn]:
    """Register a handler of `contract`; the registry must list it under this service's
    `subscribes`. A batch handler takes a list and is the only handler of its type."""
    service = service_name()
    if contract.type not in load().service(service).subscribes:
        raise ValueError(f"{service} does not subscribe to {contract.type!r} (see services.toml)")

    def register(handler: Callable[..., None]) -> Callable[..., None]:
        existing = _subscriptions[contract.type]
        if any(s.handler is handler for s in existing):
            return handler
        if existing and (batch or existing[0].batch):
            raise ValueError(f"{contract.type}: a batch handler must be the type's only handler")
        existing.append(Subscription(contract, handler, batch))
        return handler

    return register


def subscriptions(event_type: str) -> list[Subscription]:
    return list(_subscriptions.get(event_type, ()))


def handled_types() -> set[str]:
    return {t for t, subs in _subscriptions.items() if subs}


def unsubscribe(handler: Callable[..., None]) -> None:
    """Tests only: forget a handler."""
    for subs in _subscriptions.values():
        subs[:] = [s for s in subs if s.handler is not handler]


def receive(envelope: Envelope) -> Received[Event]:
    """Validate an envelope against the registry and its contract, or raise Parked."""
    registry = load()
    here = service_name()
    if envelope.type not in registry.service(here).subscribes:
        raise Parked(f"{here} does not subscribe to {envelope.type}")
    publisher = registry.publisher(envelope.type)
    if publisher is None or envelope.source != publisher.name:
        expected = publisher.name if publisher else "nobody"
        raise Parked(f"{envelope.type} comes from {expected}, not {envelope.source or 'unknown'}")
    contract = contract_for(envelope.type)
    if contract is None:
        raise Parked(f"no contract for {envelope.type}")
    if envelope.version != contract.version:
        raise Parked(f"{envelope.type} v{envelope.version}: this service reads v{contract.version}")
    if not subscriptions(envelope.type):
        raise Parked(f"no handler for {envelope.type} in {here}")
    try:
        event = contract.from_payload(envelope.payload)
    except ValidationError as exc:
        raise Parked(f"payload breaks the {envelope.type} contract: {exc}") from exc
    return Received(event, envelope.id, envelope.tenant_id, envelope.occurred, envelope.request_id,
                    envelope.source, envelope.traceparent)


def _claim(ids: Sequence[str], event_type: str) -> set[str]:
    """Insert the inbox rows; returns the ids that were not there yet (the rest are redeliveries).

    A concurrent duplicate blocks on the primary key until the first transaction ends, then
    sees the row (commit) or takes over (rollback): the handler's effects happen once.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {InboxEvent._meta.db_table} "  # noqa: S608 (table name is ours)
            "(id, type, status, envelope, error, received_at, replays) "
            "SELECT id, %s, 'handled', '{}'::jsonb, '', now(), 0 FROM unnest(%s::uuid[]) AS id "
            "ON CONFLICT (id) DO NOTHING RETURNING id",
            [event_type, list(ids)],
        )
        return {str(row[0]) for row in cursor.fetchall()}


def _run(batch: list[Received[Event]]) -> None:
    for sub in subscriptions(batch[0].event.type):
        if sub.batch:
            sub.handler(batch)
        else:
            for received in batch:
                sub.handler(received)


def handle(envelopes: Sequence[Envelope]) -> tuple[int, int]:
    """Validate and handle envelopes of ONE type in one transaction (see handle_received)."""
    return handle_received([receive(e) for e in envelopes])


def handle_received(received: Sequence[Received[Event]]) -> tuple[int, int]:
    """One transaction: a bulk inbox claim, then the handlers with the events not seen before.

    Returns (handled, duplicates). On a handler's error everything rolls back, the inbox rows
    too, and the error propagates.
    """
    if not received:
        return 0, 0
    first = received[0]
    requestid.set_current(first.request_id or requestid.new())
    with _handle_span(received) as current:
        with transaction.atomic():
            fresh = _claim([r.id for r in received], first.event.type)
            todo = [r for r in received if r.id in fresh]
            if todo:
                _run(todo)
        tracing.set_attributes(current, {"smart360.events.handled": len(todo),
                                         "smart360.events.duplicates": len(received) - len(todo)})
    return len(todo), len(received) - len(todo)


MAX_LINKS = 32


def _handle_span(received: Sequence[Received[Event]]) -> Any:
    """The consumer span of a handled batch: a child of the first event's publish span (one
    trace from the publishing request to here), linked to the delivering task's span and to the
    other events' publish spans."""
    if not tracing.enabled():
        return nullcontext()
    first = received[0]
    here = tracing.traceparent() if first.traceparent else ""
    others = list(dict.fromkeys(r.traceparent for r in received[1:]  # a bill run's share one
                                if r.traceparent and r.traceparent != first.traceparent))[:MAX_LINKS]
    return tracing.span(f"handle {first.event.type}", kind="consumer", parent=first.traceparent,
                        links=[tp for tp in (here, *others) if tp], attributes={
                            tracing.REQUEST_ID: first.request_id or None,
                            "smart360.event.type": first.event.type, "smart360.event.id": first.id,
                            "smart360.event.source": first.source, "smart360.events.count": len(received),
                            tracing.TENANT: str(first.tenant_id) if first.tenant_id else None})


def dead_letter(envelope: Envelope, error: str) -> bool:
    """Park an event with its envelope, so it can be inspected and replayed."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {InboxEvent._meta.db_table} "  # noqa: S608 (table name is ours)
            "(id, type, status, envelope, error, received_at, replays) "
            "VALUES (%s, %s, 'dead', %s, %s, now(), 0) ON CONFLICT (id) DO NOTHING RETURNING id",
            [envelope.id, envelope.type, json.dumps(envelope.to_dict()), error[:2000]],
        )
        return cursor.fetchone() is not None


def replay_dead(event_id: str | uuid.UUID) -> None:
    """Handle a dead letter again, atomically: on success it becomes a handled inbox row; on any
    failure nothing changes but its error (and replay count), so it can be replayed later."""
    row = InboxEvent.objects.filter(pk=event_id, status=InboxEvent.Status.DEAD).first()
    if row is None:
        raise InboxEvent.DoesNotExist(f"no dead letter {event_id}")
    envelope = Envelope.from_dict(row.envelope)
    try:
        with transaction.atomic():
            locked = InboxEvent.objects.select_for_update().filter(
                pk=row.pk, status=InboxEvent.Status.DEAD)
            if not locked.exists():
                return  # replayed meanwhile by someone else
            locked.delete()
            handle([envelope])
    except Exception as exc:
        InboxEvent.objects.filter(pk=row.pk, status=InboxEvent.Status.DEAD).update(
            error=f"{type(exc).__name__}: {exc}"[:2000], replays=F("replays") + 1)
        raise
