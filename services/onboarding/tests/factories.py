"""factory_boy factories for onboarding's models."""

from __future__ import annotations

from datetime import date

import factory

from onboarding.tariffs.models import Tariff, TariffVersion
from smart360.testing.factories import TenantOwnedFactory


class TariffFactory(TenantOwnedFactory):
    class Meta:
        model = Tariff

    code = factory.Sequence(lambda n: f"TRF-{n:04d}")
    name = factory.Sequence(lambda n: f"Residential {n}")
    utility_service = "electricity"
    kind = Tariff.Kind.SLAB


class TariffVersionFactory(TenantOwnedFactory):
    class Meta:
        model = TariffVersion

    tariff = factory.SubFactory(TariffFactory)
    tenant_id = factory.SelfAttribute("tariff.tenant_id")
    number = factory.Sequence(lambda n: n + 1)
    effective_from = date(2025, 1, 1)
    status = TariffVersion.Status.SCHEDULED
    rates = factory.LazyFunction(
        lambda: {
            "slabs": [
                {"upto": "300", "rate": "0.08"},
                {"upto": "600", "rate": "0.12"},
                {"upto": None, "rate": "0.16"},
            ],
            "fixed_charge": "15.00",
        }
    )
