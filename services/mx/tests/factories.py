"""factory_boy factories for mx's models."""

from __future__ import annotations

from datetime import date, timedelta

import factory

from mx.readings.models import ReadCycle
from smart360.testing.factories import TenantOwnedFactory


class ReadCycleFactory(TenantOwnedFactory):
    class Meta:
        model = ReadCycle

    name = factory.Sequence(lambda n: f"Cycle {n}")
    area_ref = factory.Sequence(lambda n: f"AREA-{n:03d}")
    utility_service = "water"
    due_on = date(2025, 3, 8)
    scheduled_start_on = factory.LazyAttribute(lambda o: o.due_on - timedelta(days=7))
    status = ReadCycle.Status.SCHEDULED
