"""factory_boy factories for ax's models."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import factory

from ax.assets.models import Asset, MaintenanceContract

TENANT = uuid.UUID("00000000-0000-0000-0000-0000000000a1")


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    tenant_id = TENANT
    tag = factory.Sequence(lambda n: f"PMP-{n:05d}")
    name = factory.Sequence(lambda n: f"Booster pump {n}")
    category = "pump"
    plant = "North treatment plant"


class MaintenanceContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaintenanceContract

    asset = factory.SubFactory(AssetFactory, tenant_id=factory.SelfAttribute("..tenant_id"))
    tenant_id = TENANT
    vendor = "Acme Pumps Ltd"
    reference = factory.Sequence(lambda n: f"AMC-{n:05d}")
    ends_on = date(2025, 12, 31)
    starts_on = factory.LazyAttribute(lambda o: o.ends_on - timedelta(days=364))
