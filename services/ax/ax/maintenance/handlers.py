"""wx's completion of a PREVENTIVE work order closes the period it was made for (its request key
is the one ax.maintenance.due carried). The asset's history row comes from assets.handlers."""

from __future__ import annotations

from ax.maintenance import services
from smart360.contracts.wx import WorkOrderCompleted
from smart360.events.inbox import Received, subscriber


@subscriber(WorkOrderCompleted)
def close_due(received: Received[WorkOrderCompleted]) -> None:
    if received.tenant_id is not None:
        services.due_complete(tenant_id=received.tenant_id, event=received.event)
