"""Installation, from either side and in either order: wx's completion and cx's activation."""

from __future__ import annotations

from mx.meters import services
from smart360.contracts.cx import ConnectionActivated
from smart360.contracts.wx import WorkOrderCompleted
from smart360.events.inbox import Received, subscriber
from smart360.logging import get_logger

log = get_logger(__name__)


@subscriber(WorkOrderCompleted)
def on_installation(received: Received[WorkOrderCompleted]) -> None:
    e = received.event
    if e.kind != "INSTALLATION" or e.outcome != "pass" or not received.tenant_id:
        return
    if not e.meter_serial or e.initial_reading is None:  # an unmetered service's installation
        log.info("installation.without_meter", work_order=e.number)
        return
    services.meter_install(tenant_id=received.tenant_id, serial=e.meter_serial,
                           initial_reading=e.initial_reading, installed_at=e.completed_at,
                           account_number=e.account_number, from_event=True)


@subscriber(ConnectionActivated)
def on_activation(received: Received[ConnectionActivated]) -> None:
    e = received.event
    if not received.tenant_id or not e.meter_serial:
        return
    services.meter_install(tenant_id=received.tenant_id, serial=e.meter_serial,
                           initial_reading=e.initial_reading, installed_at=e.connected_at,
                           account_number=e.account_number, premise=e.premise,
                           area_ref=str(e.area_id), utility_service=str(e.utility_service_id),
                           from_event=True)
