"""Helpers the cx tests share: feed events as the relay delivers them, read the outbox, build
wx's completions."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime
from typing import Any

from smart360.contracts import Event
from smart360.contracts.wx import WorkOrderCompleted
from smart360.events.models import OutboxEvent
from smart360.events.tasks import deliver
from smart360.testing.events import envelope_of
from smart360.testing.factories import TENANT

_ids = itertools.count(7001)


def feed(*events: Event, tenant_id: uuid.UUID | None = TENANT, event_id: str | None = None
         ) -> dict[str, int]:
    """Deliver events to cx as the relay would (the inbox, the handlers, one transaction); none
    may fail or be parked."""
    result: dict[str, int] = deliver.apply(
        args=[[envelope_of(e, tenant_id=tenant_id, event_id=event_id) for e in events]]).get()
    assert (result["failed"], result["parked"]) == (0, 0), result
    return result


def published(event_type: str, tenant_id: uuid.UUID = TENANT) -> list[dict[str, Any]]:
    """The payloads cx put in its outbox, oldest first."""
    return list(OutboxEvent.objects.filter(type=event_type, tenant_id=tenant_id)
                .order_by("created_at", "id").values_list("payload", flat=True))


def completed(source: str, kind: str, *, outcome: str = "pass", request_key: str | None = None,
              completed_at: str = "2026-10-31T08:00:00+00:00", **extra: Any) -> WorkOrderCompleted:
    """wx's completion of the work order cx asked for (`request_key` defaults to cx's own)."""
    return WorkOrderCompleted(
        work_order_id=next(_ids), number=f"WO-202610-{next(_ids)}", kind=kind, source=source,
        request_key=request_key or f"{source}:{kind}", outcome=outcome,
        completed_at=datetime.fromisoformat(completed_at), **extra)
