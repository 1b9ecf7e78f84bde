"""Work arriving by event: one work order per request_key, automatic assignment by zone, skill
and load, `wx.workorder.assigned`; ax's preventive maintenance; onboarding's areas."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime

import pytest
from factories import TechnicianFactory, WorkOrderFactory
from wx_testkit import feed, published, requested

from smart360.contracts.onboarding import AreaCreated
from smart360.testing.factories import OTHER_TENANT, TENANT
from wx.workorders import assignment, services
from wx.workorders.models import Area, Technician, WorkOrder

pytestmark = pytest.mark.django_db


def test_a_request_becomes_one_numbered_work_order_assigned_in_its_zone(areas):
    tech = TechnicianFactory(zone=areas["zone"], email="ana@utility.test", name="Ana")

    feed(requested("APP-20261031-001", "SITE_INSPECTION", consumer_id=7, priority="HIGH"))

    order = WorkOrder.objects.get()
    assert re.fullmatch(r"WO-\d{8}-0001", order.number)
    assert (order.kind, order.source, order.request_key) == (
        "SITE_INSPECTION", "APP-20261031-001", "APP-20261031-001:SITE_INSPECTION")
    assert (order.status, order.technician_id, order.priority) == ("ASSIGNED", tech.pk, "HIGH")
    assert (order.area, order.address, order.consumer_id) == (23, "2 Hill Lane", 7)
    [assigned] = published("wx.workorder.assigned")
    assert assigned["work_order_id"] == order.pk
    assert (assigned["technician_id"], assigned["technician_name"], assigned["technician_email"]) == (
        tech.pk, "Ana", "ana@utility.test")
    assert (assigned["request_key"], assigned["manual"], assigned["source"]) == (
        order.request_key, False, "APP-20261031-001")


def test_the_same_request_key_twice_makes_one_work_order(areas):
    TechnicianFactory(zone=areas["zone"])
    feed(requested())
    feed(requested())  # a redelivery under another event id
    feed(requested(description="sent again by hand"))

    assert WorkOrder.objects.count() == 1
    assert len(published("wx.workorder.assigned")) == 1
    # the same event id twice is handled once by the inbox too
    event_id = str(uuid.uuid4())
    feed(requested(kind="INSTALLATION"), event_id=event_id)
    feed(requested(kind="INSTALLATION"), event_id=event_id)
    assert WorkOrder.objects.filter(kind="INSTALLATION").count() == 1


def test_request_keys_are_per_tenant(areas):
    feed(requested())
    feed(requested(), tenant_id=OTHER_TENANT)
    assert WorkOrder.objects.filter(tenant_id=TENANT).count() == 1
    assert WorkOrder.objects.filter(tenant_id=OTHER_TENANT).count() == 1


def test_without_a_technician_who_fits_it_stays_created(areas):
    TechnicianFactory(zone=areas["other_zone"])  # the wrong zone
    TechnicianFactory(zone=areas["zone"], skills=["REPAIR"])  # the wrong skill
    TechnicianFactory(zone=areas["zone"], status=Technician.Status.ON_LEAVE)  # away
    TechnicianFactory(zone=areas["zone"], tenant_id=OTHER_TENANT)  # another tenant's

    feed(requested())

    order = WorkOrder.objects.get()
    assert (order.status, order.technician_id) == ("CREATED", None)
    assert published("wx.workorder.assigned") == []


def test_a_technician_of_the_region_serves_the_areas_below_it(areas):
    regional = TechnicianFactory(zone=areas["region"])
    feed(requested(area_id=areas["other_area"]))
    assert WorkOrder.objects.get().technician_id == regional.pk


def test_least_open_work_first_and_never_over_capacity(areas):
    busy = TechnicianFactory(zone=areas["zone"], capacity=5)
    idle = TechnicianFactory(zone=areas["zone"], capacity=1)
    WorkOrderFactory.create_batch(2, technician=busy, status="ASSIGNED")
    WorkOrderFactory(technician=idle, status="COMPLETED")  # finished work does not count

    feed(requested("APP-1"))
    assert WorkOrder.objects.get(source="APP-1").technician_id == idle.pk
    feed(requested("APP-2"))  # idle is full now (capacity 1)
    assert WorkOrder.objects.get(source="APP-2").technician_id == busy.pk


def test_the_beat_assigns_work_left_created_once_a_technician_fits(areas):
    feed(requested("APP-1"), requested("APP-2", "INSTALLATION"))
    assert set(WorkOrder.objects.values_list("status", flat=True)) == {"CREATED"}
    tech = TechnicianFactory(zone=areas["zone"], skills=["INSTALLATION"])

    assert assignment.work_orders_auto_assign() == 1
    assert WorkOrder.objects.get(source="APP-2").technician_id == tech.pk
    assert WorkOrder.objects.get(source="APP-1").status == "CREATED"


def test_areas_are_projected_with_their_lineage(areas):
    assert Area.objects.get(onboarding_id=23).lineage == [23, 22, 21]
    feed(AreaCreated(area_id=23, name="Hilltop (renamed)", kind="area", parent_id=22,
                     path="North/Z1/Hilltop"))
    assert Area.objects.get(onboarding_id=23).name == "Hilltop (renamed)"
    assert Area.objects.count() == 5


def test_an_unknown_area_matches_a_technician_of_that_very_area():
    tech = TechnicianFactory(zone=99)
    feed(requested(area_id=99))
    assert WorkOrder.objects.get().technician_id == tech.pk


def test_preventive_maintenance_is_one_work_order_per_plan_period(areas):
    tech = TechnicianFactory(zone=areas["zone"], skills=["PREVENTIVE"])
    for _ in range(2):
        services.maintenance_due(tenant_id=TENANT, request_key="plan-4:2026-11", plan_id=4,
                                 period="2026-11", asset_id=77, asset_name="Pump 3", area=23,
                                 due_on=date(2026, 11, 30), description="")
    order = WorkOrder.objects.get()
    assert (order.kind, order.asset_id, order.source, order.technician_id) == (
        "PREVENTIVE", 77, "MP-4-2026-11", tech.pk)
    assert order.due_at == datetime.fromisoformat("2026-12-01T00:00:00+00:00")
    assert "Pump 3" in order.description
