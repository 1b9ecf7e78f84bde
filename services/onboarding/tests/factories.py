"""factory_boy factories for onboarding's models."""

from __future__ import annotations

import factory

from onboarding.areas.models import Area
from onboarding.catalog.models import Category, UtilityService
from smart360.testing.factories import TenantOwnedFactory


class UtilityServiceFactory(TenantOwnedFactory):
    class Meta:
        model = UtilityService

    code = factory.Sequence(lambda n: f"service{n}")
    name = factory.Sequence(lambda n: f"Service {n}")
    unit = "kWh"
    metered = True


class CategoryFactory(TenantOwnedFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    utility_service = factory.SubFactory(UtilityServiceFactory,
                                         tenant_id=factory.SelfAttribute("..tenant_id"))


class AreaFactory(TenantOwnedFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"Region {n}")
    kind = "region"
    path = factory.SelfAttribute("name")
