"""The work-order API of FLOW-API §2: list by source, technicians, assign (the override), accept,
start, complete (→ `wx.workorder.completed`), cancel; 409 on illegal moves, 404 for another
tenant's, 400 on a future completion or an installation without its meter."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import TechnicianFactory, WorkOrderFactory
from wx_testkit import feed, published, requested

from smart360.testing.factories import OTHER_TENANT
from wx.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db
URL = "/wx/api/v1/work-orders/"


def post(client, path, body=None, **headers):
    return client.post(path, body or {}, format="json", **headers)


def order_of(source: str) -> WorkOrder:
    return WorkOrder.objects.get(source=source)


def test_the_installation_flow_through_the_api(as_admin, areas):
    feed(requested("APP-20261031-001", "INSTALLATION", consumer_id=5))
    [listed] = as_admin.get(URL, {"source": "APP-20261031-001"}).json()["results"]
    assert (listed["kind"], listed["status"], listed["technician"]) == ("INSTALLATION", "CREATED", None)

    tech = as_admin.post("/wx/api/v1/technicians/", {
        "name": "Ana Field", "skills": ["INSTALLATION"], "zone": areas["zone"],
        "email": "ana@utility.test"}, format="json")
    assert tech.status_code == 201, tech.json()
    tech = tech.json()
    assert (tech["skills"], tech["zone"], tech["status"], tech["open_work"]) == (
        ["INSTALLATION"], 22, "ACTIVE", 0)

    path = f"{URL}{listed['id']}/"
    assigned = post(as_admin, f"{path}assign/", {"technician": tech["id"]})
    assert assigned.status_code == 200, assigned.json()
    assert (assigned.json()["status"], assigned.json()["technician_name"]) == ("ASSIGNED", "Ana Field")
    assert published("wx.workorder.assigned")[-1]["manual"] is True
    assert post(as_admin, f"{path}accept/").json()["status"] == "ACCEPTED"
    started = post(as_admin, f"{path}start/").json()
    assert (started["status"], started["started_at"] is not None) == ("IN_PROGRESS", True)

    done = post(as_admin, f"{path}complete/", {
        "outcome": "pass", "notes": "meter fitted", "meter_serial": "MTR-0001",
        "initial_reading": "12.500", "completed_at": "2026-10-31T08:00:00Z"})
    assert done.status_code == 200, done.json()
    body = done.json()
    assert (body["status"], body["outcome"], body["meter_serial"], body["initial_reading"]) == (
        "COMPLETED", "pass", "MTR-0001", "12.500")
    [completed] = published("wx.workorder.completed")
    assert completed == {
        "work_order_id": listed["id"], "number": listed["number"],
        "request_key": "APP-20261031-001:INSTALLATION", "kind": "INSTALLATION",
        "source": "APP-20261031-001", "outcome": "pass", "notes": "meter fitted",
        "completed_at": "2026-10-31T08:00:00Z", "account_number": None,
        "meter_serial": "MTR-0001", "initial_reading": "12.500", "readings": {}, "asset_id": None}
    assert post(as_admin, f"{path}close/").json()["status"] == "CLOSED"


def test_completion_defaults_to_now_and_takes_any_past_time(as_admin, areas):
    TechnicianFactory(zone=areas["zone"])
    feed(requested("APP-1"), requested("APP-2"))
    for source in ("APP-1", "APP-2"):
        WorkOrder.objects.filter(source=source).update(status="IN_PROGRESS")
    before = timezone.now()
    now = post(as_admin, f"{URL}{order_of('APP-1').pk}/complete/", {"outcome": "fail"}).json()
    assert now["completed_at"] >= before.isoformat().replace("+00:00", "Z")[:19]
    # long before the work order existed: a utility's migrated history
    old = post(as_admin, f"{URL}{order_of('APP-2').pk}/complete/",
               {"outcome": "pass", "completed_at": "2019-01-02T03:04:05Z"})
    assert (old.status_code, old.json()["completed_at"]) == (200, "2019-01-02T03:04:05Z")
    assert [e["outcome"] for e in published("wx.workorder.completed")] == ["fail", "pass"]


def test_a_completion_in_the_future_is_a_400(as_admin):
    order = WorkOrderFactory(status="IN_PROGRESS")
    later = (timezone.now() + timedelta(minutes=5)).isoformat()
    response = post(as_admin, f"{URL}{order.pk}/complete/", {"outcome": "pass", "completed_at": later})
    assert response.status_code == 400
    assert "completed_at" in response.json()["errors"][0]["field"] or "future" in response.json()["detail"]
    assert WorkOrder.objects.get(pk=order.pk).status == "IN_PROGRESS"
    assert published("wx.workorder.completed") == []


def test_an_installation_that_passes_reports_its_meter(as_admin):
    order = WorkOrderFactory(status="IN_PROGRESS", kind="INSTALLATION")
    path = f"{URL}{order.pk}/complete/"
    assert post(as_admin, path, {"outcome": "pass"}).status_code == 400
    assert post(as_admin, path, {"outcome": "pass", "meter_serial": "M-1"}).status_code == 400
    assert post(as_admin, path, {"outcome": "pass", "initial_reading": "1"}).status_code == 400
    assert published("wx.workorder.completed") == []
    failed = post(as_admin, path, {"outcome": "fail", "notes": "no access to the site"})
    assert (failed.status_code, failed.json()["outcome"]) == (200, "fail")


def test_illegal_moves_are_409s_naming_the_allowed_ones(as_admin):
    order = WorkOrderFactory(status="CREATED")
    response = post(as_admin, f"{URL}{order.pk}/accept/")
    assert response.status_code == 409
    problem = response.json()
    assert (problem["current"], problem["requested"], problem["allowed"]) == (
        "CREATED", "ACCEPTED", ["ASSIGNED", "CANCELLED"])
    assert post(as_admin, f"{URL}{order.pk}/complete/", {"outcome": "pass"}).status_code == 409
    assert post(as_admin, f"{URL}{order.pk}/cancel/", {"reason": "duplicate"}).json()["status"] == "CANCELLED"
    again = post(as_admin, f"{URL}{order.pk}/start/")
    assert (again.status_code, again.json()["allowed"]) == (409, [])
    assigned = post(as_admin, f"{URL}{order.pk}/assign/", {"technician": TechnicianFactory().pk})
    assert assigned.status_code == 409


def test_hold_and_resume(as_admin):
    order = WorkOrderFactory(status="IN_PROGRESS")
    assert post(as_admin, f"{URL}{order.pk}/hold/").json()["status"] == "HOLD"
    assert post(as_admin, f"{URL}{order.pk}/start/").json()["status"] == "IN_PROGRESS"


def test_assign_refuses_unknown_or_unavailable_technicians(as_admin):
    order = WorkOrderFactory()
    mine_away = TechnicianFactory(status="ON_LEAVE")
    theirs = TechnicianFactory(tenant_id=OTHER_TENANT)
    assert post(as_admin, f"{URL}{order.pk}/assign/", {"technician": theirs.pk}).status_code == 404
    assert post(as_admin, f"{URL}{order.pk}/assign/", {"technician": 10**9}).status_code == 404
    away = post(as_admin, f"{URL}{order.pk}/assign/", {"technician": mine_away.pk})
    assert (away.status_code, away.json()["code"]) == (409, "technician_unavailable")


def test_reassigning_an_accepted_order_is_the_override(as_admin):
    first, second = TechnicianFactory(), TechnicianFactory()
    order = WorkOrderFactory(status="ACCEPTED", technician=first)
    body = post(as_admin, f"{URL}{order.pk}/assign/", {"technician": second.pk}).json()
    assert (body["status"], body["technician"], body["accepted_at"]) == ("ASSIGNED", second.pk, None)


def test_another_tenants_work_order_is_a_404(as_admin, as_other_tenant):
    order = WorkOrderFactory(tenant_id=OTHER_TENANT, status="ASSIGNED")
    mine = TechnicianFactory()
    assert as_admin.get(f"{URL}{order.pk}/").status_code == 404
    assert post(as_admin, f"{URL}{order.pk}/accept/").status_code == 404
    assert post(as_admin, f"{URL}{order.pk}/assign/", {"technician": mine.pk}).status_code == 404
    assert post(as_admin, f"{URL}{order.pk}/complete/", {"outcome": "pass"}).status_code == 404
    assert as_admin.get(URL).json()["results"] == []
    assert as_other_tenant.get(f"{URL}{order.pk}/").status_code == 200
    assert as_other_tenant.get(f"/wx/api/v1/technicians/{mine.pk}/").status_code == 404


def test_filters(as_admin):
    tech = TechnicianFactory()
    a = WorkOrderFactory(source="APP-1", kind="SITE_INSPECTION", technician=tech, status="ASSIGNED")
    b = WorkOrderFactory(source="APP-1", kind="INSTALLATION")
    c = WorkOrderFactory(source="SR-9", kind="DISCONNECTION",
                         sla_breached_at=timezone.now())

    def ids(**query):
        response = as_admin.get(URL, query)
        assert response.status_code == 200, response.json()
        return [r["id"] for r in response.json()["results"]]

    assert ids(source="APP-1") == [b.pk, a.pk]
    assert ids(status="ASSIGNED") == [a.pk]
    assert ids(kind="DISCONNECTION") == [c.pk]
    assert ids(technician=tech.pk) == [a.pk]
    assert ids(overdue="true") == [c.pk]
    assert as_admin.get(URL, {"status": "NOPE"}).status_code == 400


def test_lists_take_the_same_queries_for_many_rows(as_admin):
    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert as_admin.get(path).status_code == 200
        return len(ctx)

    tech = TechnicianFactory()
    WorkOrderFactory.create_batch(2, technician=tech)
    few = (queries(URL), queries("/wx/api/v1/technicians/"))
    more = [TechnicianFactory() for _ in range(5)]
    for t in more:
        WorkOrderFactory.create_batch(2, technician=t)
    assert (queries(URL), queries("/wx/api/v1/technicians/")) == few
    assert few[0] <= 2


def test_a_work_order_by_hand_is_idempotent_and_its_request_key_unique(as_admin, areas):
    body = {"kind": "REPAIR", "area": areas["area"], "address": "Pole 14", "priority": "EMERGENCY",
            "description": "line down", "request_key": "call-881"}
    first = post(as_admin, URL, body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.json()
    assert first.json()["priority"] == "EMERGENCY"
    replay = post(as_admin, URL, body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (replay.status_code, replay.json()["id"]) == (201, first.json()["id"])
    assert post(as_admin, URL, {**body, "address": "Pole 15"}, HTTP_IDEMPOTENCY_KEY="k-1").status_code == 422
    duplicate = post(as_admin, URL, body)
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "duplicate_request")
    assert WorkOrder.objects.count() == 1
    due = WorkOrder.objects.get().due_at - WorkOrder.objects.get().created_at
    assert timedelta(hours=3, minutes=59) < due <= timedelta(hours=4)


def test_readings_are_reported_in_the_completion(as_admin):
    order = WorkOrderFactory(status="IN_PROGRESS", kind="REPAIR", account_number="ACC-202610-00001")
    body = post(as_admin, f"{URL}{order.pk}/complete/",
                {"outcome": "pass", "readings": {"pressure": "3.20"}}).json()
    assert body["readings"] == {"pressure": "3.200"}
    [completed] = published("wx.workorder.completed")
    assert (completed["readings"], completed["account_number"]) == (
        {"pressure": "3.200"}, "ACC-202610-00001")
    assert Decimal(completed["readings"]["pressure"]) == Decimal("3.2")


def test_work_by_hand_without_a_request_key_is_never_a_duplicate(as_admin):
    for _ in range(2):
        created = post(as_admin, URL, {"kind": "INSPECTION", "address": "Main St"})
        assert created.status_code == 201, created.json()
        assert (created.json()["request_key"], created.json()["status"]) == ("", "CREATED")
    assert WorkOrder.objects.count() == 2
    numbers = sorted(WorkOrder.objects.values_list("number", flat=True))
    assert [n[-4:] for n in numbers] == ["0001", "0002"]
