"""Shared fixtures: a tenant admin, a configured utility (projected from onboarding's events, as
in production), events fed the way the relay delivers them, documents in a temporary folder."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from cx_testkit import feed

from smart360.contracts.onboarding import (
    AreaCreated,
    CategoryCreated,
    PlanCreated,
    UtilityServiceCreated,
)
from smart360.testing.factories import TENANT


@pytest.fixture
def tenant() -> uuid.UUID:
    return TENANT




@pytest.fixture
def utility() -> dict[str, int]:
    """An electricity utility as onboarding announces it: region → zone → area, a residential
    category with a subcategory, a residential plan; and a water service with its own plan."""
    feed(UtilityServiceCreated(utility_service_id=11, code="electricity", name="Electricity",
                               unit="kWh", metered=True),
         UtilityServiceCreated(utility_service_id=12, code="water", name="Water", unit="m3",
                               metered=True),
         UtilityServiceCreated(utility_service_id=13, code="waste", name="Waste water", unit="m3",
                               metered=False))
    feed(AreaCreated(area_id=21, name="North", kind="region", parent_id=None, path="North"),
         AreaCreated(area_id=22, name="Z1", kind="zone", parent_id=21, path="North/Z1"),
         AreaCreated(area_id=23, name="Hilltop", kind="area", parent_id=22, path="North/Z1/Hilltop"))
    feed(CategoryCreated(category_id=31, name="Residential", utility_service_id=11, parent_id=None),
         CategoryCreated(category_id=32, name="Residential - low income", utility_service_id=11,
                         parent_id=31),
         CategoryCreated(category_id=33, name="Residential water", utility_service_id=12, parent_id=None),
         CategoryCreated(category_id=34, name="Residential waste", utility_service_id=13, parent_id=None))
    feed(PlanCreated(plan_id=41, name="Residential", utility_service_id=11, category_id=31),
         PlanCreated(plan_id=42, name="Water residential", utility_service_id=12, category_id=33),
         PlanCreated(plan_id=43, name="Waste flat", utility_service_id=13, category_id=34))
    return {"utility_service": 11, "area": 23, "category": 31, "plan": 41}


@pytest.fixture
def application_body(utility) -> dict[str, Any]:
    return {"applicant": {"name": "Rita Lopes", "email": "rita@example.com", "phone": "+15550101"},
            "address": "2 Hill Lane", **utility}


@pytest.fixture(autouse=True)
def _no_wait_for_projections(settings):
    """Each test feeds its configuration first; one test measures the wait itself."""
    settings.CX_SETUP_WAIT_SECONDS = 0


@pytest.fixture(autouse=True)
def _documents_in_a_temporary_folder(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")}}}

