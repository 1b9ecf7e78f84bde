"""factory_boy factories for wx's models."""

from __future__ import annotations

from datetime import UTC, datetime

import factory

from smart360.testing.factories import TenantOwnedFactory
from wx.workorders.models import Technician, WorkOrder


class WorkOrderFactory(TenantOwnedFactory):
    class Meta:
        model = WorkOrder

    number = factory.Sequence(lambda n: f"WO-{n:06d}")
    kind = WorkOrder.Kind.INSTALLATION
    status = WorkOrder.Status.CREATED
    area = 23
    due_at = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


class TechnicianFactory(TenantOwnedFactory):
    class Meta:
        model = Technician

    name = factory.Sequence(lambda n: f"Technician {n}")
    email = factory.Sequence(lambda n: f"tech{n}@utility.test")
    skills = factory.LazyFunction(lambda: ["SITE_INSPECTION", "INSTALLATION"])
    zone = 22
