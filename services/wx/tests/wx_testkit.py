"""Helpers the wx tests share: feed events as the relay delivers them, read the outbox."""

from __future__ import annotations

import uuid
from typing import Any

from smart360.contracts import Event
from smart360.contracts.cx import WorkOrderRequested
from smart360.events.models import OutboxEvent
from smart360.events.tasks import deliver
from smart360.testing.events import envelope_of
from smart360.testing.factories import TENANT


def feed(*events: Event, tenant_id: uuid.UUID | None = TENANT, event_id: str | None = None
         ) -> dict[str, int]:
    """Deliver events to wx as the relay would (the inbox, the handlers, one transaction); none
    may fail or be parked."""
    result: dict[str, int] = deliver.apply(
        args=[[envelope_of(e, tenant_id=tenant_id, event_id=event_id) for e in events]]).get()
    assert (result["failed"], result["parked"]) == (0, 0), result
    return result


def published(event_type: str, tenant_id: uuid.UUID = TENANT) -> list[dict[str, Any]]:
    """The payloads wx put in its outbox, oldest first."""
    return list(OutboxEvent.objects.filter(type=event_type, tenant_id=tenant_id)
                .order_by("created_at", "id").values_list("payload", flat=True))


def requested(source: str = "APP-20261031-001", kind: str = "SITE_INSPECTION", *,
              area_id: int | None = 23, **extra: Any) -> WorkOrderRequested:
    """cx's request for field work (`request_key` defaults to cx's own `{source}:{kind}`)."""
    return WorkOrderRequested(request_key=extra.pop("request_key", f"{source}:{kind}"), kind=kind,
                              source=source, area_id=area_id, address="2 Hill Lane", **extra)
