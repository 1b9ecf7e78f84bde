"""wx's completed site inspections and installations move applications on."""

from __future__ import annotations

from cx.applications import services
from smart360.contracts.wx import WorkOrderCompleted
from smart360.events.inbox import Received, subscriber

KINDS = frozenset(services.MOVED_BY_FIELD_WORK.values())


@subscriber(WorkOrderCompleted)
def move_application(received: Received[WorkOrderCompleted]) -> None:
    if received.event.kind in KINDS and received.tenant_id:
        services.application_field_work_completed(tenant_id=received.tenant_id,
                                                  completed=received.event)
