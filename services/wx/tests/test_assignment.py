"""The beat's automatic assignment, set-based: the same statements for 3 orders or 30; capacity,
least loaded first (counting this sweep's own assignments), oldest due first, never a technician
who declined the order, never another tenant's technician."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import TechnicianFactory, WorkOrderFactory
from wx_testkit import published

from smart360.events.models import OutboxEvent
from smart360.testing.factories import OTHER_TENANT, TENANT
from wx.workorders import assignment
from wx.workorders.assignment import work_orders_auto_assign
from wx.workorders.models import WorkOrder
from wx.workorders.tasks import auto_assign_work_orders

pytestmark = pytest.mark.django_db
DUE = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def technician_of(order: WorkOrder) -> int | None:
    return WorkOrder.objects.values_list("technician_id", flat=True).get(pk=order.pk)


def waiting(count: int, **fields) -> list[WorkOrder]:
    return [WorkOrderFactory(due_at=DUE + timedelta(minutes=i), **fields) for i in range(count)]


def sweep_statements() -> int:
    with CaptureQueriesContext(connection) as ctx:
        work_orders_auto_assign()
    return len(ctx)


def test_the_sweep_takes_the_same_statements_for_3_orders_or_30(areas):
    for tenant in (TENANT, OTHER_TENANT):
        TechnicianFactory.create_batch(3, tenant_id=tenant, zone=23, capacity=100)
    waiting(3)
    few = sweep_statements()
    assert WorkOrder.objects.filter(status="ASSIGNED").count() == 3

    waiting(20)
    waiting(10, tenant_id=OTHER_TENANT, status="REJECTED")
    many = sweep_statements()

    assert WorkOrder.objects.filter(status="ASSIGNED").count() == 33
    assert many == few <= 6
    # every assignment published (COPY, one per tenant: not in Django's query log)
    assert OutboxEvent.objects.filter(type="wx.workorder.assigned").count() == 33
    assert len(published("wx.workorder.assigned", tenant_id=OTHER_TENANT)) == 10


def test_least_loaded_first_counting_the_sweeps_own_assignments(areas):
    idle = TechnicianFactory(zone=areas["zone"])
    busy = TechnicianFactory(zone=areas["region"])
    WorkOrderFactory.create_batch(2, technician=busy, status="IN_PROGRESS")
    first, second, third, fourth = waiting(4)

    assert work_orders_auto_assign() == 4

    # idle 0 → 1 → 2; then a tie at 2 goes to the longest serving (idle); then busy (2 < 3)
    assert [technician_of(o) for o in (first, second, third, fourth)] == [
        idle.pk, idle.pk, idle.pk, busy.pk]


def test_never_over_capacity_and_the_oldest_due_get_the_room(areas):
    tech = TechnicianFactory(zone=areas["zone"], capacity=3)
    WorkOrderFactory(technician=tech, status="HOLD")  # held work still counts
    WorkOrderFactory(technician=tech, status="FAILED")  # finished work does not
    later = WorkOrderFactory(due_at=DUE + timedelta(days=1))
    sooner = WorkOrderFactory(due_at=DUE - timedelta(days=1))
    soon = WorkOrderFactory(due_at=DUE)

    assert work_orders_auto_assign() == 2

    assert (technician_of(sooner), technician_of(soon), technician_of(later)) == (tech.pk, tech.pk, None)
    assert WorkOrder.objects.get(pk=later.pk).status == "CREATED"
    assert work_orders_auto_assign() == 0  # full: nothing changes on the next sweep


def test_a_technician_who_declined_is_passed_over(areas):
    declined = TechnicianFactory(zone=areas["zone"])
    other = TechnicianFactory(zone=areas["zone"])
    WorkOrderFactory.create_batch(3, technician=other, status="ASSIGNED")
    order = WorkOrderFactory(status="REJECTED", rejected_by=[declined.pk])
    fresh = WorkOrderFactory(due_at=DUE + timedelta(hours=1))

    assert work_orders_auto_assign() == 2

    assert technician_of(order) == other.pk  # busier, but the one who declined never gets it
    assert technician_of(fresh) == declined.pk  # declining one order says nothing of another


def test_zone_skill_and_status_decide_who_fits(areas):
    TechnicianFactory(zone=areas["other_zone"])  # another branch of the region
    TechnicianFactory(zone=areas["zone"], skills=["REPAIR"])
    TechnicianFactory(zone=areas["zone"], status="ON_LEAVE")
    order = WorkOrderFactory(kind="INSTALLATION")
    unplaced = WorkOrderFactory(area=None)

    assert work_orders_auto_assign() == 0
    regional = TechnicianFactory(zone=areas["region"], skills=["INSTALLATION"])
    assert work_orders_auto_assign() == 1
    assert (technician_of(order), technician_of(unplaced)) == (regional.pk, None)


def test_a_technician_only_gets_work_of_their_own_tenant(areas):
    theirs = TechnicianFactory(tenant_id=OTHER_TENANT, zone=areas["zone"], capacity=100)
    mine = WorkOrderFactory()  # area 23, below zone 22: but theirs is another tenant's
    their_order = WorkOrderFactory(tenant_id=OTHER_TENANT, area=areas["zone"])

    assert work_orders_auto_assign() == 1

    assert (technician_of(mine), technician_of(their_order)) == (None, theirs.pk)
    assert published("wx.workorder.assigned") == []
    [event] = published("wx.workorder.assigned", tenant_id=OTHER_TENANT)
    assert (event["work_order_id"], event["technician_id"], event["manual"]) == (
        their_order.pk, theirs.pk, False)


def test_an_order_moved_meanwhile_is_left_alone(areas):
    """The UPDATE is guarded on the order still waiting: work cancelled between the read and the
    write is not assigned (and nothing is published for it)."""
    tech = TechnicianFactory(zone=areas["zone"])
    order = WorkOrderFactory()
    orders = list(WorkOrder.objects.filter(pk=order.pk))
    WorkOrder.objects.filter(pk=order.pk).update(status="CANCELLED")

    assert assignment.assign(orders) == {}
    assert WorkOrder.objects.get(pk=order.pk).status == "CANCELLED"
    assert published("wx.workorder.assigned") == []
    assert tech.pk not in WorkOrder.objects.values_list("technician_id", flat=True)


def test_the_beat_job_reports_what_it_assigned(areas):
    TechnicianFactory(zone=areas["zone"])
    waiting(2)
    assert auto_assign_work_orders.delay().get() == {"assigned": 2}
