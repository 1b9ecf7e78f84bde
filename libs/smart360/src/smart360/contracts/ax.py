"""Events ax publishes: maintenance due and expiring cover."""

from __future__ import annotations

from datetime import date
from typing import Literal

from smart360.contracts import Event


class MaintenanceDue(Event, type="ax.maintenance.due"):
    """A preventive plan's period came due; `request_key` (plan + period) makes it once-only."""

    request_key: str
    plan_id: int
    period: str
    asset_id: int
    asset_name: str
    area_id: int | None = None
    due_on: date
    description: str = ""


class CoverExpiring(Event, type="ax.cover.expiring"):
    """A maintenance contract or an insurance policy ends soon."""

    kind: Literal["contract", "insurance"]
    cover_id: int
    name: str
    provider: str
    expires_on: date
    notify_email: str = ""
    days_left: int | None = None  # from the day the reminder was sent (the tenant's date)
