"""Events cx publishes: consumers, connections and the field work they need."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from smart360.contracts import Event


class ConsumerCreated(Event, type="cx.consumer.created"):
    consumer_id: int
    number: str
    name: str
    email: str = ""
    phone: str = ""
    locale: str = "en"


class ConsumerUpdated(Event, type="cx.consumer.updated"):
    """Contact details changed (notification keeps its contact projection from this)."""

    consumer_id: int
    number: str
    name: str
    email: str = ""
    phone: str = ""
    locale: str = "en"


class WorkOrderRequested(Event, type="cx.workorder.requested"):
    """cx needs field work. `request_key` is unique per need: wx creates one work order per key."""

    request_key: str
    kind: str  # SITE_INSPECTION, INSTALLATION, DISCONNECTION, RECONNECTION, ...
    source: str  # the application / service request number the work belongs to
    area_id: int | None = None
    address: str = ""
    priority: str = "MEDIUM"
    description: str = ""
    consumer_id: int | None = None
    account_number: str | None = None
    meter_serial: str | None = None
    due_at: datetime | None = None


class ConnectionActivated(Event, type="cx.connection.activated"):
    account_id: int
    account_number: str
    consumer_id: int
    consumer_number: str
    name: str
    email: str = ""
    phone: str = ""
    locale: str = "en"
    utility_service_id: int
    category_id: int
    plan_id: int
    area_id: int
    premise: str
    meter_serial: str
    initial_reading: Decimal
    connected_at: datetime


class ConnectionStatusChanged(Event, type="cx.connection.changed"):
    """An account was disconnected (temporarily or permanently), reconnected or transferred."""

    account_number: str
    status: str  # CONNECTED, TEMPORARILY_DISCONNECTED, PERMANENTLY_DISCONNECTED, ARCHIVED
    consumer_id: int  # the holder after the change (a transfer's new holder)
    previous_consumer_id: int | None = None  # a transfer's old holder
    reason: str = ""
    at: datetime
