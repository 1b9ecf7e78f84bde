"""The dashboard: assets by condition and status, maintenance open and overdue, covers expiring."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from tests.factories import AssetFactory, InsurancePolicyFactory, MaintenanceContractFactory

from ax.assets.services import assessment_create
from ax.maintenance.services import maintenance_due_publish, plan_create
from smart360.domain.tenants import tenant_today
from smart360.testing.factories import OTHER_TENANT, TENANT

pytestmark = pytest.mark.django_db


def test_kpis(as_admin, areas, django_assert_max_num_queries):
    today = tenant_today(TENANT)
    good, poor, _unassessed = AssetFactory(), AssetFactory(), AssetFactory()
    retired = AssetFactory(status="DECOMMISSIONED")
    assessment_create(tenant_id=TENANT, asset_id=good.pk, score=4)
    assessment_create(tenant_id=TENANT, asset_id=poor.pk, score=2)
    AssetFactory(tenant_id=OTHER_TENANT, condition="POOR")
    for asset, starts in ((good, today - timedelta(days=3)), (poor, today)):
        plan_create(tenant_id=TENANT, asset=asset.pk, name="Service", kind="DAYS",
                    interval=Decimal(90), starts_on=starts)
    maintenance_due_publish(as_of=today)
    MaintenanceContractFactory(ends_on=today + timedelta(days=10))
    MaintenanceContractFactory(ends_on=today + timedelta(days=60))
    InsurancePolicyFactory(ends_on=today)

    with django_assert_max_num_queries(7):
        body = as_admin.get("/ax/api/v1/kpis/").json()
    assert body["assets_by_condition"] == {"EXCELLENT": 0, "GOOD": 1, "FAIR": 0, "POOR": 1,
                                           "CRITICAL": 0, "UNASSESSED": 1}
    assert body["assets_by_status"]["DECOMMISSIONED"] == 1
    assert retired.pk
    assert (body["maintenance_open"], body["maintenance_overdue"]) == (2, 1)
    assert body["covers_expiring"] == {"within_days": 30, "contracts": 1, "insurance": 1}
    assert body["as_of"] == str(today)
