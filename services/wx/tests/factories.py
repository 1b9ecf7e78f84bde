"""factory_boy factories for wx's models."""

from __future__ import annotations

from datetime import UTC, datetime

import factory

from smart360.testing.factories import TenantOwnedFactory
from wx.workorders.models import WorkOrder


class WorkOrderFactory(TenantOwnedFactory):
    class Meta:
        model = WorkOrder

    number = factory.Sequence(lambda n: f"WO-{n:06d}")
    kind = WorkOrder.Kind.INSTALLATION
    status = WorkOrder.Status.CREATED
    zone = "ZONE-01"
    due_at = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
