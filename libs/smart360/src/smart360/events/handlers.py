"""Subscribers: handler functions per event type, run exactly once per event id (the inbox)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction

from smart360 import requestid
from smart360.events.envelope import Envelope
from smart360.events.models import InboxEvent
from smart360.registry import load

Handler = Callable[[Envelope], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscriber(event_type: str) -> Callable[[Handler], Handler]:
    """Register a handler; the registry must list the event under this service's subscribes."""
    service = settings.SMART360_SERVICE
    if event_type not in load().service(service).subscribes:
        raise ValueError(f"{service} does not subscribe to {event_type!r} (see services.toml)")

    def register(handler: Handler) -> Handler:
        if handler not in _handlers[event_type]:
            _handlers[event_type].append(handler)
        return handler

    return register


def handlers_for(event_type: str) -> list[Handler]:
    return list(_handlers.get(event_type, ()))


def _claim(envelope: Envelope, status: str = InboxEvent.Status.HANDLED, error: str = "") -> bool:
    """Insert the inbox row; False if the id is already there (a redelivery).

    A concurrent duplicate blocks on the primary key until the first transaction ends, then
    sees the row (commit) or takes over (rollback): the handler's effects happen once.
    """
    stored = envelope.to_dict() if status == InboxEvent.Status.DEAD else {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {InboxEvent._meta.db_table} "  # noqa: S608 (table name is ours)
            "(id, type, status, envelope, error, received_at) "
            "VALUES (%s, %s, %s, %s, %s, now()) ON CONFLICT (id) DO NOTHING RETURNING id",
            [envelope.id, envelope.type, status, json.dumps(stored), error],
        )
        return cursor.fetchone() is not None


def handle(envelope: Envelope) -> bool:
    """Run the handlers in one transaction with the inbox row. True if it ran, False if seen."""
    requestid.set_current(envelope.request_id or requestid.new())
    with transaction.atomic():
        if not _claim(envelope):
            return False
        for handler in handlers_for(envelope.type):
            handler(envelope)
    return True


def dead_letter(envelope: Envelope, error: str) -> bool:
    """Give up on an event: recorded (with its envelope) so it can be inspected and replayed."""
    with transaction.atomic():
        return _claim(envelope, InboxEvent.Status.DEAD, error[:2000])


def replay_dead(event_id: str) -> bool:
    """Forget a dead letter and handle its stored envelope again."""
    row = InboxEvent.objects.get(pk=event_id, status=InboxEvent.Status.DEAD)
    envelope = Envelope.from_dict(row.envelope)
    row.delete()
    return handle(envelope)
