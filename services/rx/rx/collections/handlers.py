"""Events rx takes in. Each runs once per event id, in one transaction with its inbox row."""

from __future__ import annotations

from rx.collections import services
from smart360.contracts.bx import BillIssued, BillVoided
from smart360.contracts.cx import ConnectionActivated
from smart360.events.inbox import Received, subscriber


@subscriber(ConnectionActivated)
def on_connection(received: Received[ConnectionActivated]) -> None:
    assert received.tenant_id is not None
    services.account_open(tenant_id=received.tenant_id, event=received.event)


@subscriber(BillIssued, batch=True)
def on_bills(batch: list[Received[BillIssued]]) -> None:
    """A bill run issues tens of thousands at once: one set-based write per batch."""
    services.bills_post(bills=[(r.tenant_id, r.event, r.occurred_at) for r in batch if r.tenant_id])


@subscriber(BillVoided)
def on_void(received: Received[BillVoided]) -> None:
    assert received.tenant_id is not None
    services.bill_void(tenant_id=received.tenant_id, event=received.event, at=received.occurred_at)
