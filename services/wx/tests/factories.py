"""factory_boy factories for wx's models."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import factory

from wx.workorders.models import WorkOrder

TENANT = uuid.UUID("00000000-0000-0000-0000-0000000000a1")


class WorkOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkOrder

    tenant_id = TENANT
    number = factory.Sequence(lambda n: f"WO-{n:06d}")
    kind = WorkOrder.Kind.INSTALLATION
    status = WorkOrder.Status.CREATED
    zone = "ZONE-01"
    due_at = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
