"""onboarding's configuration projected into cx: upserted per tenant, redelivery-safe, and the
tenant profile kept by the library's handlers."""

from __future__ import annotations

import pytest
from cx_testkit import feed

from cx.setup.models import Area, Category, Plan, UtilityService
from smart360.contracts.onboarding import AreaCreated, OrganizationCreated, OrganizationUpdated
from smart360.domain.models import TenantProfile
from smart360.testing.factories import OTHER_TENANT, TENANT

pytestmark = pytest.mark.django_db


def test_configuration_is_projected_per_tenant(utility):
    assert UtilityService.objects.filter(tenant_id=TENANT).count() == 3
    hilltop = Area.objects.get(tenant_id=TENANT, onboarding_id=23)
    assert (hilltop.kind, hilltop.parent, hilltop.path) == ("area", 22, "North/Z1/Hilltop")
    assert Category.objects.get(onboarding_id=32).parent == 31
    assert Plan.objects.get(onboarding_id=41).category == 31
    assert not Area.objects.filter(tenant_id=OTHER_TENANT).exists()


def test_a_redelivered_or_repeated_event_upserts(utility):
    renamed = AreaCreated(area_id=23, name="Hilltop East", kind="area", parent_id=22,
                          path="North/Z1/Hilltop East")
    feed(renamed, event_id="2b8d4a1e-5f0c-4a8e-9c7d-000000000023")
    assert feed(renamed, event_id="2b8d4a1e-5f0c-4a8e-9c7d-000000000023")["duplicates"] == 1
    assert Area.objects.filter(onboarding_id=23).count() == 1
    assert Area.objects.get(onboarding_id=23).name == "Hilltop East"


def test_the_tenant_profile_follows_the_organization():
    feed(OrganizationCreated(organization_id=TENANT, name="Water Co", currency="USD",
                             timezone="America/Lima", created_by=TENANT))
    feed(OrganizationUpdated(organization_id=TENANT, name="Water Co", currency="PEN",
                             timezone="America/Lima", date_format="DD/MM/YYYY"))
    profile = TenantProfile.objects.get(tenant_id=TENANT)
    assert (profile.currency, profile.timezone, profile.date_format) == ("PEN", "America/Lima", "DD/MM/YYYY")
