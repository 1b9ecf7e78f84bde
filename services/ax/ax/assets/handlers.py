"""Events the registry takes: onboarding's areas (where assets stand) and wx's completed work
orders on an asset (its service history). The tenant profile (time zone) is the library's:
smart360.domain.handlers."""

from __future__ import annotations

from ax.assets import services
from smart360.contracts.onboarding import AreaCreated
from smart360.contracts.wx import WorkOrderCompleted
from smart360.events.inbox import Received, subscriber


@subscriber(AreaCreated)
def project_area(received: Received[AreaCreated]) -> None:
    assert received.tenant_id is not None, "an area belongs to a tenant"
    services.area_project(tenant_id=received.tenant_id, event=received.event)


@subscriber(WorkOrderCompleted)
def record_service(received: Received[WorkOrderCompleted]) -> None:
    """Asset work (asset_id set) joins the asset's history, once per work order."""
    if received.tenant_id is not None and received.event.asset_id is not None:
        services.service_record_from_work_order(tenant_id=received.tenant_id, event=received.event)
