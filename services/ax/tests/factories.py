"""factory_boy factories for ax's models."""

from __future__ import annotations

from datetime import date, timedelta

import factory

from ax.assets.models import Asset, MaintenanceContract
from smart360.testing.factories import TenantOwnedFactory


class AssetFactory(TenantOwnedFactory):
    class Meta:
        model = Asset

    tag = factory.Sequence(lambda n: f"PMP-{n:05d}")
    name = factory.Sequence(lambda n: f"Booster pump {n}")
    category = "pump"
    plant = "North treatment plant"


class MaintenanceContractFactory(TenantOwnedFactory):
    class Meta:
        model = MaintenanceContract

    asset = factory.SubFactory(AssetFactory, tenant_id=factory.SelfAttribute("..tenant_id"))
    vendor = "Acme Pumps Ltd"
    reference = factory.Sequence(lambda n: f"AMC-{n:05d}")
    ends_on = date(2025, 12, 31)
    starts_on = factory.LazyAttribute(lambda o: o.ends_on - timedelta(days=364))
