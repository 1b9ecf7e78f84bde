"""factory_boy factories for bx's models."""

from __future__ import annotations

import uuid
from datetime import date

import factory

from bx.billing.models import BillRun, BillSchedule

TENANT = uuid.UUID("00000000-0000-0000-0000-0000000000a1")


class BillScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BillSchedule

    tenant_id = TENANT
    cycle_name = factory.Sequence(lambda n: f"Monthly cycle {n}")
    utility_service = "electricity"
    period_months = 1
    next_run_on = date(2025, 3, 1)


class BillRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BillRun

    schedule = factory.SubFactory(BillScheduleFactory)
    tenant_id = factory.SelfAttribute("schedule.tenant_id")
    period_start = date(2025, 2, 1)
    period_end = date(2025, 2, 28)
