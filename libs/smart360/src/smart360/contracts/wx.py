"""Events wx publishes: work orders moving through the field."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from smart360.contracts import Event

# The kinds of work wx does (the `kind` fields stay `str`: a newer publisher may send a kind an
# older subscriber does not know yet).
WorkOrderKind = Literal["SITE_INSPECTION", "INSTALLATION", "DISCONNECTION", "RECONNECTION",
                        "TRANSFER", "METER_REPLACEMENT", "PREVENTIVE", "REPAIR", "INSPECTION"]

class WorkOrderAssigned(Event, type="wx.workorder.assigned"):
    work_order_id: int
    number: str
    kind: str
    source: str
    technician_id: int
    technician_name: str
    technician_email: str = ""
    due_at: datetime | None = None
    request_key: str | None = None
    priority: str = "MEDIUM"
    area_id: int | None = None
    address: str = ""
    consumer_id: int | None = None
    manual: bool = False  # assigned by a person (the override), not automatically


class WorkOrderCompleted(Event, type="wx.workorder.completed"):
    work_order_id: int
    number: str
    request_key: str | None = None
    kind: str
    source: str
    outcome: Literal["pass", "fail"]
    notes: str = ""
    completed_at: datetime
    account_number: str | None = None
    meter_serial: str | None = None
    initial_reading: Decimal | None = None
    readings: dict[str, Decimal] = {}
    asset_id: int | None = None
