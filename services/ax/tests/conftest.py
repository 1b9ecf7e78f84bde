"""Shared fixtures: a tenant admin and another tenant's, onboarding's areas arriving as events,
events fed the way the relay delivers them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

import ax.covers.tasks
import ax.maintenance.tasks  # noqa: F401
from smart360.contracts import Event
from smart360.contracts.onboarding import AreaCreated, OrganizationCreated
from smart360.events.models import OutboxEvent
from smart360.events.tasks import deliver
from smart360.testing.events import envelope_of
from smart360.testing.factories import TENANT


def feed(*events: Event, tenant_id: uuid.UUID | None = TENANT, event_id: str | None = None
         ) -> dict[str, int]:
    """Deliver events to ax as the relay would; none may fail or be parked."""
    result: dict[str, int] = deliver.apply(
        args=[[envelope_of(e, tenant_id=tenant_id, event_id=event_id) for e in events]]).get()
    assert (result["failed"], result["parked"]) == (0, 0), result
    return result


def published(event_type: str, tenant_id: uuid.UUID | None = TENANT) -> list[dict[str, Any]]:
    rows = OutboxEvent.objects.filter(type=event_type)
    if tenant_id is not None:
        rows = rows.filter(tenant_id=tenant_id)
    return list(rows.order_by("created_at", "id").values_list("payload", flat=True))




@pytest.fixture
def areas(db) -> dict[str, int]:
    """The utility's areas as onboarding announces them, and its time zone."""
    feed(OrganizationCreated(organization_id=TENANT, name="North Water", currency="USD",
                             timezone="America/New_York", created_by=uuid.uuid4()))
    feed(AreaCreated(area_id=21, name="North", kind="region", parent_id=None, path="North"),
         AreaCreated(area_id=23, name="Hilltop", kind="area", parent_id=21, path="North/Hilltop"))
    return {"region": 21, "area": 23}
