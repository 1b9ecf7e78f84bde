"""factory_boy factories for rx's models."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory

from rx.collections.models import Receivable
from smart360.testing.factories import TenantOwnedFactory


class ReceivableFactory(TenantOwnedFactory):
    class Meta:
        model = Receivable

    account_number = factory.Sequence(lambda n: f"ACC-{n:06d}")
    bill_ref = factory.Sequence(lambda n: f"BILL-{n:07d}")
    due_on = date(2025, 3, 1)
    billed_on = factory.LazyAttribute(lambda o: o.due_on - timedelta(days=15))
    amount_billed = Decimal("115.00")
    amount_outstanding = factory.SelfAttribute("amount_billed")
    risk = Receivable.Risk.LOW
