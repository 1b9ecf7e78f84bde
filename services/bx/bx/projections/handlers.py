"""Events bx projects. Each runs once per event id, in one transaction with its inbox row."""

from __future__ import annotations

from bx.projections import services
from smart360.contracts.cx import ConnectionActivated
from smart360.contracts.mx import ReadingValidated
from smart360.contracts.onboarding import PlanCreated, TariffActivated, UtilityServiceCreated
from smart360.events.inbox import Received, subscriber


@subscriber(UtilityServiceCreated)
def on_service(received: Received[UtilityServiceCreated]) -> None:
    assert received.tenant_id is not None
    services.utility_service_upsert(tenant_id=received.tenant_id, event=received.event)


@subscriber(PlanCreated)
def on_plan(received: Received[PlanCreated]) -> None:
    assert received.tenant_id is not None
    services.plan_upsert(tenant_id=received.tenant_id, event=received.event)


@subscriber(TariffActivated)
def on_tariff(received: Received[TariffActivated]) -> None:
    assert received.tenant_id is not None
    services.tariff_version_upsert(tenant_id=received.tenant_id, event=received.event)


@subscriber(ConnectionActivated)
def on_connection(received: Received[ConnectionActivated]) -> None:
    assert received.tenant_id is not None
    services.account_upsert(tenant_id=received.tenant_id, event=received.event)


@subscriber(ReadingValidated, batch=True)
def on_readings(batch: list[Received[ReadingValidated]]) -> None:
    """Readings arrive by the thousand after a read cycle: one upsert per batch."""
    services.readings_upsert(readings=[(r.tenant_id, r.event) for r in batch if r.tenant_id])
