"""REJECTED (the technician declines; the order waits for another one, open) and FAILED (the visit
could not be carried out; final, published as a failed completion): the API, the 409s naming the
allowed moves, the 400 without a reason, the 404 for another tenant's order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from factories import TechnicianFactory, WorkOrderFactory
from wx_testkit import feed, published, requested

from smart360.testing.factories import OTHER_TENANT
from wx.workorders import assignment
from wx.workorders.models import WorkOrder
from wx.workorders.services import work_orders_flag_sla_breaches

pytestmark = pytest.mark.django_db
URL = "/wx/api/v1/work-orders/"


def post(client, path, body=None, **headers):
    return client.post(path, body or {}, format="json", **headers)


def stored(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.get(pk=order.pk)


# -- REJECTED --------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["ASSIGNED", "ACCEPTED"])
def test_the_technician_declines_and_the_order_waits_without_one(as_admin, status):
    tech = TechnicianFactory()
    order = WorkOrderFactory(status=status, technician=tech, assigned_at=timezone.now(),
                             accepted_at=timezone.now() if status == "ACCEPTED" else None)

    response = post(as_admin, f"{URL}{order.pk}/reject/", {"reason": "no ladder long enough"})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["technician"], body["technician_name"]) == ("REJECTED", None, None)
    assert (body["rejected_by"], body["rejection_reason"]) == ([tech.pk], "no ladder long enough")
    assert (body["assigned_at"], body["accepted_at"]) == (None, None)
    technician = as_admin.get(f"/wx/api/v1/technicians/{tech.pk}/").json()
    assert technician["open_work"] == 0  # declined work no longer counts against them


def test_a_rejection_needs_a_reason(as_admin):
    order = WorkOrderFactory(status="ASSIGNED", technician=TechnicianFactory())
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = post(as_admin, f"{URL}{order.pk}/reject/", body)
        assert response.status_code == 400, (body, response.json())
    assert stored(order).status == "ASSIGNED"


@pytest.mark.parametrize(("status", "allowed"), [
    ("CREATED", ["ASSIGNED", "CANCELLED"]),
    ("IN_PROGRESS", ["COMPLETED", "HOLD", "FAILED", "CANCELLED"]),
    ("REJECTED", ["ASSIGNED", "CANCELLED"]),
    ("COMPLETED", ["CLOSED"]),
])
def test_a_rejection_from_elsewhere_is_a_409_naming_the_allowed_moves(as_admin, status, allowed):
    order = WorkOrderFactory(status=status)
    response = post(as_admin, f"{URL}{order.pk}/reject/", {"reason": "busy"})
    assert response.status_code == 409
    problem = response.json()
    assert (problem["current"], problem["requested"], problem["allowed"]) == (status, "REJECTED", allowed)
    assert stored(order).status == status


def test_declined_work_goes_to_another_technician_never_back(as_admin, areas):
    first = TechnicianFactory(zone=areas["zone"], name="First")
    feed(requested("APP-1", "INSTALLATION"))
    order = WorkOrder.objects.get()
    assert order.technician_id == first.pk

    post(as_admin, f"{URL}{order.pk}/reject/", {"reason": "out sick"})
    # the one who declined is the only one who fits: it waits, REJECTED
    assert assignment.work_orders_auto_assign() == 0
    assert stored(order).status == "REJECTED"

    second = TechnicianFactory(zone=areas["region"], name="Second")
    assert assignment.work_orders_auto_assign() == 1
    again = stored(order)
    assert (again.status, again.technician_id, again.rejected_by) == ("ASSIGNED", second.pk, [first.pk])
    assert [(e["technician_id"], e["manual"]) for e in published("wx.workorder.assigned")] == [
        (first.pk, False), (second.pk, False)]

    # declined twice: both are remembered
    post(as_admin, f"{URL}{order.pk}/reject/", {"reason": "wrong van"})
    assert stored(order).rejected_by == [first.pk, second.pk]
    assert assignment.work_orders_auto_assign() == 0


def test_the_override_may_assign_rejected_work_but_not_to_who_declined_it(as_admin):
    declined, other = TechnicianFactory(), TechnicianFactory()
    order = WorkOrderFactory(status="ASSIGNED", technician=declined)
    post(as_admin, f"{URL}{order.pk}/reject/", {"reason": "no"})

    refused = post(as_admin, f"{URL}{order.pk}/assign/", {"technician": declined.pk})
    assert (refused.status_code, refused.json()["code"]) == (409, "technician_declined")
    assert stored(order).status == "REJECTED"

    assigned = post(as_admin, f"{URL}{order.pk}/assign/", {"technician": other.pk})
    assert assigned.status_code == 200, assigned.json()
    assert (assigned.json()["status"], assigned.json()["technician"]) == ("ASSIGNED", other.pk)
    assert published("wx.workorder.assigned")[-1]["manual"] is True
    # still never back to the one who declined, even from ASSIGNED
    again = post(as_admin, f"{URL}{order.pk}/assign/", {"technician": declined.pk})
    assert (again.status_code, again.json()["code"]) == (409, "technician_declined")


def test_rejected_work_is_open_for_the_sla_monitor():
    now = timezone.now()
    order = WorkOrderFactory(status="REJECTED", due_at=now - timedelta(hours=1))
    assert work_orders_flag_sla_breaches(now=now) == 1
    assert stored(order).overdue is True


def test_rejected_work_can_be_cancelled(as_admin):
    order = WorkOrderFactory(status="REJECTED")
    assert post(as_admin, f"{URL}{order.pk}/cancel/", {"reason": "dup"}).json()["status"] == "CANCELLED"


# -- FAILED ----------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["IN_PROGRESS", "HOLD"])
def test_a_visit_that_could_not_be_carried_out_fails_and_cx_hears_of_it(as_admin, status):
    tech = TechnicianFactory()
    order = WorkOrderFactory(status=status, technician=tech, kind="SITE_INSPECTION",
                             source="APP-20261031-001", request_key="APP-20261031-001:SITE_INSPECTION")
    before = timezone.now()

    response = post(as_admin, f"{URL}{order.pk}/fail/", {"reason": "gate locked, nobody home"})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["outcome"], body["notes"]) == ("FAILED", "fail", "gate locked, nobody home")
    assert body["completed_at"] >= before.isoformat().replace("+00:00", "Z")[:19]
    [completed] = published("wx.workorder.completed")
    assert (completed["work_order_id"], completed["outcome"], completed["notes"]) == (
        order.pk, "fail", "gate locked, nobody home")
    assert (completed["request_key"], completed["kind"], completed["source"]) == (
        "APP-20261031-001:SITE_INSPECTION", "SITE_INSPECTION", "APP-20261031-001")


def test_failed_is_final_and_no_longer_open(as_admin):
    now = timezone.now()
    order = WorkOrderFactory(status="IN_PROGRESS", due_at=now - timedelta(hours=1))
    post(as_admin, f"{URL}{order.pk}/fail/", {"reason": "unsafe: live wires"})
    for move, body in (("close/", {}), ("cancel/", {}), ("start/", {}),
                       ("complete/", {"outcome": "pass"}), ("fail/", {"reason": "again"})):
        response = post(as_admin, f"{URL}{order.pk}/{move}", body)
        assert (response.status_code, response.json()["allowed"]) == (409, []), move
    assert work_orders_flag_sla_breaches(now=now) == 0
    assert len(published("wx.workorder.completed")) == 1


def test_a_failure_needs_a_reason(as_admin):
    order = WorkOrderFactory(status="IN_PROGRESS")
    for body in ({}, {"reason": ""}, {"reason": "x" * 501}):
        assert post(as_admin, f"{URL}{order.pk}/fail/", body).status_code == 400, body
    assert stored(order).status == "IN_PROGRESS"
    assert published("wx.workorder.completed") == []


@pytest.mark.parametrize(("status", "allowed"), [
    ("ASSIGNED", ["ASSIGNED", "ACCEPTED", "REJECTED", "CANCELLED"]),
    ("ACCEPTED", ["ASSIGNED", "IN_PROGRESS", "HOLD", "REJECTED", "CANCELLED"]),
    ("COMPLETED", ["CLOSED"]),
])
def test_a_failure_from_elsewhere_is_a_409_naming_the_allowed_moves(as_admin, status, allowed):
    order = WorkOrderFactory(status=status)
    response = post(as_admin, f"{URL}{order.pk}/fail/", {"reason": "no access"})
    assert response.status_code == 409
    problem = response.json()
    assert (problem["current"], problem["requested"], problem["allowed"]) == (status, "FAILED", allowed)
    assert published("wx.workorder.completed") == []


def test_a_failure_replayed_with_its_idempotency_key_answers_the_same(as_admin):
    order = WorkOrderFactory(status="IN_PROGRESS")
    first = post(as_admin, f"{URL}{order.pk}/fail/", {"reason": "dog"}, HTTP_IDEMPOTENCY_KEY="f-1")
    replay = post(as_admin, f"{URL}{order.pk}/fail/", {"reason": "dog"}, HTTP_IDEMPOTENCY_KEY="f-1")
    assert (first.status_code, replay.status_code) == (200, 200)
    assert replay.json()["status"] == "FAILED"
    assert len(published("wx.workorder.completed")) == 1


# -- tenants ---------------------------------------------------------------------------------
def test_another_tenants_order_cannot_be_rejected_or_failed(as_admin):
    assigned = WorkOrderFactory(tenant_id=OTHER_TENANT, status="ASSIGNED",
                                technician=TechnicianFactory(tenant_id=OTHER_TENANT))
    started = WorkOrderFactory(tenant_id=OTHER_TENANT, status="IN_PROGRESS")
    assert post(as_admin, f"{URL}{assigned.pk}/reject/", {"reason": "no"}).status_code == 404
    assert post(as_admin, f"{URL}{started.pk}/fail/", {"reason": "no"}).status_code == 404
    assert (stored(assigned).status, stored(started).status) == ("ASSIGNED", "IN_PROGRESS")
    assert published("wx.workorder.completed", tenant_id=OTHER_TENANT) == []
