"""factory_boy factories for bx's models."""

from __future__ import annotations

from datetime import date

import factory

from bx.billing.models import BillRun, BillSchedule
from smart360.testing.factories import TenantOwnedFactory


class BillScheduleFactory(TenantOwnedFactory):
    class Meta:
        model = BillSchedule

    cycle_name = factory.Sequence(lambda n: f"Monthly cycle {n}")
    utility_service_id = factory.Sequence(lambda n: n + 1)
    period_months = 1
    next_run_on = date(2025, 3, 1)


class BillRunFactory(TenantOwnedFactory):
    class Meta:
        model = BillRun

    schedule = factory.SubFactory(BillScheduleFactory)
    tenant_id = factory.SelfAttribute("schedule.tenant_id")
    utility_service_id = factory.SelfAttribute("schedule.utility_service_id")
    period_start = date(2025, 2, 1)
    period_end = date(2025, 2, 28)
