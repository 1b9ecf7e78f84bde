"""Shared fixtures: the tenant's organization (its time zone), an admin and another tenant's
admin, the events written to the outbox, a configured utility made through the API."""

from __future__ import annotations

import uuid

import pytest
from onboarding_testkit import post

from onboarding.organizations.models import Organization
from smart360.testing.factories import OTHER_TENANT, TENANT


@pytest.fixture
def org(db) -> Organization:
    return Organization.objects.create(id=TENANT, name="Aqua City", created_by=uuid.uuid4(),
                                       timezone="UTC")


@pytest.fixture
def as_admin(api, tokens, org):
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=TENANT, roles=["admin"]))
    return api


@pytest.fixture
def as_other_tenant(tokens, db):
    from rest_framework.test import APIClient

    Organization.objects.create(id=OTHER_TENANT, name="Other", created_by=uuid.uuid4())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=OTHER_TENANT, roles=["admin"]))
    return client


@pytest.fixture
def utility(as_admin) -> dict[str, int]:
    """Electricity with an area tree and a residential category (no plan yet)."""
    service = post(as_admin, "utility-services/", {"code": "electricity", "name": "Electricity",
                                                   "unit": "kWh", "metered": True})["id"]
    region = post(as_admin, "areas/", {"name": "North", "kind": "region", "parent": None})["id"]
    zone = post(as_admin, "areas/", {"name": "Z1", "kind": "zone", "parent": region})["id"]
    area = post(as_admin, "areas/", {"name": "Hilltop", "kind": "area", "parent": zone})["id"]
    category = post(as_admin, "categories/", {"name": "Residential", "utility_service": service,
                                              "parent": None})["id"]
    return {"service": service, "region": region, "zone": zone, "area": area,
            "category": category}
