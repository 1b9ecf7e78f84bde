"""Helpers the mx tests share: feed events as the relay delivers them, install meters the way
the field and cx announce them, read the outbox."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from smart360.contracts import Event
from smart360.contracts.cx import ConnectionActivated
from smart360.contracts.wx import WorkOrderCompleted
from smart360.events.models import OutboxEvent
from smart360.events.tasks import deliver
from smart360.testing.events import envelope_of
from smart360.testing.factories import TENANT

INSTALLED_AT = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
SERVICE, AREA = 11, 23
_ids = itertools.count(1)


def feed(*events: Event, tenant_id: uuid.UUID | None = TENANT, event_id: str | None = None
         ) -> dict[str, int]:
    """Deliver events to mx as the relay would; none may fail or be parked."""
    result: dict[str, int] = deliver.apply(
        args=[[envelope_of(e, tenant_id=tenant_id, event_id=event_id) for e in events]]).get()
    assert (result["failed"], result["parked"]) == (0, 0), result
    return result


def completion(serial: str, initial: str = "100", *, at: datetime = INSTALLED_AT,
               account_number: str | None = None, **extra: Any) -> WorkOrderCompleted:
    n = next(_ids)
    fields: dict[str, Any] = {"kind": "INSTALLATION", "outcome": "pass", **extra}
    return WorkOrderCompleted(
        work_order_id=n, number=f"WO-20260101-{n:04d}", source=f"APP-{n}",
        request_key=f"APP-{n}:INSTALLATION", completed_at=at, account_number=account_number,
        meter_serial=serial, initial_reading=Decimal(initial), **fields)


def activation(serial: str, account: str, initial: str = "100", *, at: datetime = INSTALLED_AT
               ) -> ConnectionActivated:
    n = next(_ids)
    return ConnectionActivated(
        account_id=n, account_number=account, consumer_id=n, consumer_number=f"CUST-{n}",
        name=f"Consumer {n}", utility_service_id=SERVICE, category_id=31, plan_id=41,
        area_id=AREA, premise=f"{n} Hill Lane", meter_serial=serial,
        initial_reading=Decimal(initial), connected_at=at)


def install(serial: str, account: str, initial: str = "100", *, tenant_id: uuid.UUID = TENANT,
            at: datetime = INSTALLED_AT) -> None:
    """Both sides of an installation, the field's completion first."""
    feed(completion(serial, initial, at=at), tenant_id=tenant_id)
    feed(activation(serial, account, initial, at=at), tenant_id=tenant_id)


def published(event_type: str = "mx.reading.validated", tenant_id: uuid.UUID = TENANT
              ) -> list[dict[str, Any]]:
    return list(OutboxEvent.objects.filter(type=event_type, tenant_id=tenant_id)
                .order_by("created_at", "id").values_list("payload", flat=True))
