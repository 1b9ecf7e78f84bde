"""Service history fed by wx: a completed work order on an asset joins its history once, however
often the completion is delivered."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from tests.conftest import feed
from tests.factories import AssetFactory

from ax.assets.models import Asset, ServiceRecord
from smart360.contracts.wx import WorkOrderCompleted
from smart360.testing.factories import OTHER_TENANT

pytestmark = pytest.mark.django_db
API = "/ax/api/v1/"
DONE = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)


def completion(asset_id: int | None, work_order_id: int = 501, **extra) -> WorkOrderCompleted:
    return WorkOrderCompleted(work_order_id=work_order_id, number=f"WO-20261120-{work_order_id}",
                              kind="CORRECTIVE", source="SR-7", outcome="pass",
                              notes="seal replaced", completed_at=DONE, asset_id=asset_id, **extra)


def test_a_completed_work_order_joins_the_assets_history(as_admin):
    asset = AssetFactory(usage=Decimal("100"), usage_unit="h")
    feed(completion(asset.pk, readings={"usage": Decimal("1250.5"), "pressure": Decimal("4.2")}))

    rows = as_admin.get(f"{API}assets/{asset.pk}/history/").json()["results"]
    assert [(r["origin"], r["number"], r["kind"], r["outcome"], r["notes"]) for r in rows] == [
        ("WORK_ORDER", "WO-20261120-501", "CORRECTIVE", "pass", "seal replaced")]
    assert rows[0]["readings"] == {"usage": "1250.5", "pressure": "4.2"}
    assert Asset.objects.get(pk=asset.pk).usage == Decimal("1250.5")


def test_a_redelivered_or_repeated_completion_records_once():
    asset = AssetFactory()
    event_id = str(uuid.uuid4())
    feed(completion(asset.pk), event_id=event_id)
    feed(completion(asset.pk), event_id=event_id)  # the relay sent it again: the inbox drops it
    feed(completion(asset.pk))  # wx published it twice: the work order key drops it
    assert ServiceRecord.objects.filter(asset=asset).count() == 1


def test_work_without_an_asset_or_on_another_tenants_asset_is_ignored():
    foreign = AssetFactory(tenant_id=OTHER_TENANT)
    feed(completion(None, 601), completion(foreign.pk, 602), completion(987654, 603))
    assert ServiceRecord.objects.count() == 0
