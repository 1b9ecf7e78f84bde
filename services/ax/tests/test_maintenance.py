"""Preventive maintenance: plans by days, months or usage; the job announces each (plan, period)
once — re-run, run again as of the same day, a plan moved back, a duplicate completion."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from tests.conftest import feed, published
from tests.factories import AssetFactory

from ax.maintenance import schedule
from ax.maintenance.models import MaintenanceDue, MaintenancePlan
from ax.maintenance.services import maintenance_due_publish, plan_create
from ax.maintenance.tasks import publish_maintenance_due
from smart360.contracts.wx import WorkOrderCompleted
from smart360.testing.factories import OTHER_TENANT, TENANT

pytestmark = pytest.mark.django_db
API = "/ax/api/v1/"


def run(as_of: str) -> dict[str, int]:
    return maintenance_due_publish(as_of=date.fromisoformat(as_of))


def plan(asset=None, **kw) -> MaintenancePlan:
    asset = asset or AssetFactory()
    fields = {"name": "Bearing service", "kind": "DAYS", "interval": Decimal(30),
              "starts_on": date(2026, 1, 1), **kw}
    return plan_create(tenant_id=asset.tenant_id, asset=asset.pk, **fields)


def keys(tenant=TENANT) -> list[str]:
    return [e["request_key"] for e in published("ax.maintenance.due", tenant_id=tenant)]


def test_months_are_counted_from_the_start_and_clamped_to_month_ends():
    days = [schedule.occurrence(starts_on=date(2026, 1, 31), kind="MONTHS", interval=1, k=k)
            for k in range(4)]
    assert days == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert schedule.latest_due(starts_on=date(2026, 1, 31), kind="MONTHS", interval=1, lead_days=0,
                               current=0, today=date(2026, 3, 30)) == 1


def test_a_period_is_announced_once_however_often_the_job_runs():
    p = plan()

    assert run("2025-12-31") == {"due": 0, "published": 0}
    assert run("2026-01-01") == {"due": 1, "published": 1}
    assert run("2026-01-01") == {"due": 0, "published": 0}  # same day again
    assert run("2026-01-30") == {"due": 0, "published": 0}
    assert run("2026-01-31") == {"due": 1, "published": 1}

    assert keys() == [f"ax:plan:{p.pk}:2026-01-01", f"ax:plan:{p.pk}:2026-01-31"]
    event = published("ax.maintenance.due")[0]
    assert (event["plan_id"], event["period"], event["asset_id"], event["due_on"]) == (
        p.pk, "2026-01-01", p.asset_id, "2026-01-01")
    assert event["area_id"] == 23
    assert event["asset_name"].endswith(p.asset.name)


def test_a_plan_moved_back_or_a_second_beat_announces_nothing_twice():
    p = plan()
    run("2026-01-01")
    MaintenancePlan.objects.filter(pk=p.pk).update(next_period=0, next_due_on=date(2026, 1, 1),
                                                   next_fire_on=date(2026, 1, 1))
    assert run("2026-01-01") == {"due": 1, "published": 0}  # the unique (plan, period) held
    assert MaintenanceDue.objects.count() == 1
    assert len(keys()) == 1


def test_a_plan_far_behind_announces_its_latest_period_only():
    p = plan(interval=Decimal(7))
    assert run("2026-03-01") == {"due": 1, "published": 1}
    assert keys() == [f"ax:plan:{p.pk}:2026-02-26"]  # 1 Jan + 8 weeks
    assert MaintenancePlan.objects.get(pk=p.pk).next_due_on == date(2026, 3, 5)


def test_lead_days_announce_early_with_the_real_due_day():
    plan(kind="MONTHS", interval=Decimal(3), starts_on=date(2026, 3, 15), lead_days=10)
    assert run("2026-03-04") == {"due": 0, "published": 0}
    assert run("2026-03-05") == {"due": 1, "published": 1}
    assert published("ax.maintenance.due")[0]["due_on"] == "2026-03-15"
    assert run("2026-06-05") == {"due": 1, "published": 1}
    assert published("ax.maintenance.due")[1]["period"] == "2026-06-15"


def test_usage_plans_come_due_at_each_multiple():
    asset = AssetFactory(usage=Decimal("1250"), usage_unit="h")
    p = plan(asset, kind="USAGE", interval=Decimal(500), starts_on=None)
    assert p.next_due_usage == Decimal(1500)
    assert run("2026-05-01") == {"due": 0, "published": 0}

    feed(WorkOrderCompleted(work_order_id=9, number="WO-9", kind="CORRECTIVE", source="x",
                            outcome="pass", completed_at=datetime(2026, 5, 2, tzinfo=UTC),
                            asset_id=asset.pk, readings={"usage": Decimal("2100")}))
    assert run("2026-05-02") == {"due": 1, "published": 1}
    assert run("2026-05-03") == {"due": 0, "published": 0}
    assert keys() == [f"ax:plan:{p.pk}:U2000"]
    assert MaintenancePlan.objects.get(pk=p.pk).next_due_usage == Decimal(2500)


def test_inactive_plans_and_decommissioned_assets_are_left_alone():
    plan(active=False)
    retired = plan()
    retired.asset.status = "DECOMMISSIONED"
    retired.asset.save()
    assert run("2026-06-01") == {"due": 0, "published": 0}


def test_wx_completing_the_preventive_work_order_closes_the_period(as_admin):
    p = plan()
    run("2026-01-01")
    key = f"ax:plan:{p.pk}:2026-01-01"
    done = WorkOrderCompleted(work_order_id=77, number="WO-20260102-0001", kind="PREVENTIVE",
                              source=key, request_key=key, outcome="pass",
                              completed_at=datetime(2026, 1, 2, 10, tzinfo=UTC), asset_id=p.asset_id)
    feed(done)
    feed(done)  # published twice by wx: still one record, the period closed once
    due = MaintenanceDue.objects.get()
    assert (due.status, due.work_order_number) == ("COMPLETED", "WO-20260102-0001")
    assert p.asset.service_records.count() == 1
    listed = as_admin.get(f"{API}maintenance-dues/", {"status": "COMPLETED"}).json()["results"]
    assert [d["request_key"] for d in listed] == [key]


def test_all_tenants_in_constant_queries(django_assert_max_num_queries):
    for n in range(15):
        plan(AssetFactory(tenant_id=TENANT if n % 2 else OTHER_TENANT),
             interval=Decimal(n + 1))
    # two locking selects, one INSERT, one COPY per tenant, one bulk UPDATE, savepoints
    with django_assert_max_num_queries(10):
        assert run("2026-01-01") == {"due": 15, "published": 15}
    assert len(keys(OTHER_TENANT)) == 8


def test_the_job_with_as_of_is_idempotent():
    plan()
    assert publish_maintenance_due.delay(as_of="2026-01-01").get() == {"due": 1, "published": 1}
    assert publish_maintenance_due.delay(as_of="2026-01-01").get() == {"due": 0, "published": 0}


def test_without_as_of_each_tenant_uses_its_own_today(areas):
    from smart360.domain.tenants import tenant_today

    today = tenant_today(TENANT)
    plan(starts_on=today)
    plan(starts_on=date(today.year + 1, 1, 1))
    assert maintenance_due_publish(as_of=None) == {"due": 1, "published": 1}


def test_plan_api_validation_and_cross_tenant(as_admin, as_other_tenant):
    asset = AssetFactory()
    body = {"asset": asset.pk, "name": "Quarterly", "kind": "MONTHS", "interval": "3",
            "starts_on": "2026-01-15"}
    created = as_admin.post(f"{API}maintenance-plans/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["next_due_on"] == "2026-01-15"
    assert as_admin.post(f"{API}maintenance-plans/", {**body, "interval": "1.5"},
                         format="json").status_code == 400
    assert as_admin.post(f"{API}maintenance-plans/", {**body, "starts_on": None},
                         format="json").status_code == 400
    foreign = AssetFactory(tenant_id=OTHER_TENANT)
    assert as_admin.post(f"{API}maintenance-plans/", {**body, "asset": foreign.pk},
                         format="json").status_code == 404
    pk = created.json()["id"]
    assert as_other_tenant.get(f"{API}maintenance-plans/{pk}/").status_code == 404
    assert as_other_tenant.patch(f"{API}maintenance-plans/{pk}/", {"active": False},
                                 format="json").status_code == 404
    paused = as_admin.patch(f"{API}maintenance-plans/{pk}/", {"active": False}, format="json")
    assert paused.json()["active"] is False
