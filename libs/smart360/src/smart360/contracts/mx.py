"""Events mx publishes: meters installed and readings ready to bill."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from smart360.contracts import Event


class MeterRegistered(Event, type="mx.meter.registered"):
    meter_id: int
    serial: str
    account_number: str
    initial_reading: Decimal
    installed_at: datetime


class ReadingValidated(Event, type="mx.reading.validated"):
    """A billable reading: consumption since the previous validated one (or the installation)."""

    reading_id: int
    account_number: str
    meter_serial: str
    read_at: datetime
    value: Decimal
    previous_value: Decimal
    previous_read_at: datetime
    consumption: Decimal
    status: Literal["PASS", "EXEMPTION"]
    bands: dict[str, Decimal] = {}  # time-of-use registers, when the meter has them
