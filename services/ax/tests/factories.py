"""factory_boy factories for ax's models."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory

from ax.assets.models import Asset, AssetCategory, AssetType, Plant, Unit
from ax.covers.models import InsurancePolicy, MaintenanceContract
from smart360.testing.factories import TenantOwnedFactory

SAME_TENANT = factory.SelfAttribute("..tenant_id")


class PlantFactory(TenantOwnedFactory):
    class Meta:
        model = Plant

    code = factory.Sequence(lambda n: f"PL{n:03d}")
    name = factory.Sequence(lambda n: f"Treatment plant {n}")


class UnitFactory(TenantOwnedFactory):
    class Meta:
        model = Unit

    plant = factory.SubFactory(PlantFactory, tenant_id=SAME_TENANT)
    code = factory.Sequence(lambda n: f"UN{n:03d}")
    name = factory.Sequence(lambda n: f"Pump house {n}")


class CategoryFactory(TenantOwnedFactory):
    class Meta:
        model = AssetCategory

    code = factory.Sequence(lambda n: f"cat{n}")
    name = "Pump"


class AssetTypeFactory(TenantOwnedFactory):
    class Meta:
        model = AssetType

    category = factory.SubFactory(CategoryFactory, tenant_id=SAME_TENANT)
    code = factory.Sequence(lambda n: f"type{n}")
    name = "Centrifugal pump 50 kW"


class AssetFactory(TenantOwnedFactory):
    class Meta:
        model = Asset

    tag = factory.Sequence(lambda n: f"PMP-{n:05d}")
    name = factory.Sequence(lambda n: f"Booster pump {n}")
    unit = factory.SubFactory(UnitFactory, tenant_id=SAME_TENANT)
    asset_type = factory.SubFactory(AssetTypeFactory, tenant_id=SAME_TENANT)
    area_id = 23


class MaintenanceContractFactory(TenantOwnedFactory):
    class Meta:
        model = MaintenanceContract

    provider = "Acme Pumps Ltd"
    reference = factory.Sequence(lambda n: f"AMC-{n:05d}")
    ends_on = date(2026, 12, 31)
    starts_on = factory.LazyAttribute(lambda o: o.ends_on - timedelta(days=364))
    value = Decimal("12000.00")
    notify_email = "assets@utility.test"


class InsurancePolicyFactory(TenantOwnedFactory):
    class Meta:
        model = InsurancePolicy

    provider = "Mutual Assurance"
    policy_number = factory.Sequence(lambda n: f"POL-{n:05d}")
    ends_on = date(2026, 12, 31)
    starts_on = factory.LazyAttribute(lambda o: o.ends_on - timedelta(days=364))
    sum_insured = Decimal("250000.00")
    premium = Decimal("1800.00")
    notify_email = "risk@utility.test"
