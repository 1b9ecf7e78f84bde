"""Work arriving by event: cx's requests, ax's preventive maintenance; onboarding's areas (the
technicians' zones). Each handler is idempotent: one work order per request_key, upserted areas."""

from __future__ import annotations

from smart360.contracts.ax import MaintenanceDue
from smart360.contracts.cx import WorkOrderRequested
from smart360.contracts.onboarding import AreaCreated
from smart360.events.inbox import Received, subscriber
from wx.workorders import services


@subscriber(WorkOrderRequested)
def work_requested(received: Received[WorkOrderRequested]) -> None:
    e = received.event
    if received.tenant_id is None:
        return
    services.work_order_requested(
        tenant_id=received.tenant_id, request_key=e.request_key, kind=e.kind, source=e.source,
        area=e.area_id, address=e.address, priority=e.priority, description=e.description,
        consumer_id=e.consumer_id, account_number=e.account_number, meter_serial=e.meter_serial,
        due_at=e.due_at)


@subscriber(MaintenanceDue)
def maintenance_due(received: Received[MaintenanceDue]) -> None:
    e = received.event
    if received.tenant_id is None:
        return
    services.maintenance_due(
        tenant_id=received.tenant_id, request_key=e.request_key, plan_id=e.plan_id, period=e.period,
        asset_id=e.asset_id, asset_name=e.asset_name, area=e.area_id, due_on=e.due_on,
        description=e.description)


@subscriber(AreaCreated)
def project_area(received: Received[AreaCreated]) -> None:
    e = received.event
    if received.tenant_id is None:
        return
    services.area_project(tenant_id=received.tenant_id, onboarding_id=e.area_id, name=e.name,
                          kind=e.kind, parent=e.parent_id, path=e.path)
