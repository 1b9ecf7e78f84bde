"""Events that change accounts: work orders coming back, and accounts overdue in collections."""

from __future__ import annotations

from cx.consumers import services
from cx.consumers.models import ConnectionRequest
from smart360.contracts.rx import AccountOverdue
from smart360.contracts.wx import WorkOrderCompleted
from smart360.events.inbox import Received, subscriber

KINDS = set(ConnectionRequest.Kind.values)


@subscriber(WorkOrderCompleted)
def apply_connection_work(received: Received[WorkOrderCompleted]) -> None:
    """DISCONNECTION, RECONNECTION and TRANSFER completions (applications handle their own)."""
    if received.event.kind in KINDS and received.tenant_id and received.event.request_key:
        services.connection_request_completed(tenant_id=received.tenant_id, completed=received.event)


@subscriber(AccountOverdue)
def disconnect_overdue(received: Received[AccountOverdue]) -> None:
    e = received.event
    if received.tenant_id:
        services.disconnection_for_overdue(tenant_id=received.tenant_id, account_number=e.account_number,
                                           as_of=e.as_of, days_overdue=e.days_overdue, overdue=e.overdue)
