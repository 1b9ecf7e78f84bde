"""Technicians, SOPs (copied onto new work orders, their readings checked at completion), the
KPIs and the overdue sweep run as of a date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from factories import TechnicianFactory, WorkOrderFactory
from wx_testkit import feed, requested

from smart360.testing.factories import OTHER_TENANT
from wx.workorders.models import WorkOrder
from wx.workorders.tasks import monitor_work_order_sla

pytestmark = pytest.mark.django_db
TECHS = "/wx/api/v1/technicians/"
SOPS = "/wx/api/v1/sops/"


def test_technicians_are_created_listed_and_changed(as_admin, areas):
    created = as_admin.post(TECHS, {"name": "Bo", "skills": ["REPAIR", "REPAIR", "INSPECTION"],
                                    "zone": areas["zone"], "capacity": 3}, format="json")
    assert created.status_code == 201, created.json()
    tech = created.json()
    assert (tech["skills"], tech["capacity"], tech["email"]) == (["INSPECTION", "REPAIR"], 3, "")
    assert as_admin.post(TECHS, {"name": "X", "skills": ["JUGGLING"], "zone": 22},
                         format="json").status_code == 400
    assert as_admin.post(TECHS, {"name": "X", "skills": [], "zone": "22"},
                         format="json").status_code == 400
    TechnicianFactory(zone=areas["other_zone"], skills=["REPAIR"])
    TechnicianFactory(tenant_id=OTHER_TENANT)

    listed = as_admin.get(TECHS, {"zone": areas["zone"]}).json()["results"]
    assert [t["id"] for t in listed] == [tech["id"]]
    assert len(as_admin.get(TECHS, {"skill": "REPAIR"}).json()["results"]) == 2

    changed = as_admin.patch(f"{TECHS}{tech['id']}/", {"status": "ON_LEAVE"}, format="json").json()
    assert (changed["status"], changed["name"], changed["capacity"]) == ("ON_LEAVE", "Bo", 3)
    feed(requested(kind="REPAIR"))
    assert WorkOrder.objects.get().status == "CREATED"  # nobody else fits


def test_an_sop_is_copied_onto_new_work_and_its_readings_are_required(as_admin, areas):
    sop = as_admin.post(SOPS, {"kind": "INSTALLATION", "name": "Install a meter",
                               "steps": ["isolate supply", "fit meter", "seal"],
                               "safety": ["gloves"], "materials": ["meter", "seal"],
                               "readings": ["meter_serial", "initial_reading", "seal_number"]},
                        format="json")
    assert sop.status_code == 201, sop.json()
    again = as_admin.post(SOPS, {"kind": "INSTALLATION", "name": "Another"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "duplicate_sop")

    feed(requested(kind="INSTALLATION"))
    order = WorkOrder.objects.get()
    detail = as_admin.get(f"/wx/api/v1/work-orders/{order.pk}/").json()
    assert detail["sop"]["steps"] == ["isolate supply", "fit meter", "seal"]
    assert detail["sop"]["readings"] == ["meter_serial", "initial_reading", "seal_number"]

    WorkOrder.objects.filter(pk=order.pk).update(status="IN_PROGRESS")
    path = f"/wx/api/v1/work-orders/{order.pk}/complete/"
    body = {"outcome": "pass", "meter_serial": "M-9", "initial_reading": "0"}
    missing = as_admin.post(path, body, format="json")
    assert missing.status_code == 400
    assert "seal_number" in missing.json()["detail"]
    done = as_admin.post(path, {**body, "readings": {"seal_number": "4411"}}, format="json")
    assert done.status_code == 200, done.json()

    # a later change of the SOP leaves the orders already made alone
    changed = as_admin.patch(f"{SOPS}{sop.json()['id']}/", {"readings": []}, format="json")
    assert changed.json()["readings"] == []
    assert WorkOrder.objects.get().sop["readings"][-1] == "seal_number"
    assert as_admin.get(SOPS, {"kind": "INSTALLATION"}).json()["results"][0]["name"] == "Install a meter"


def test_kpis(as_admin, django_assert_max_num_queries):
    now = timezone.now()
    WorkOrderFactory(status="CREATED", kind="REPAIR", due_at=now + timedelta(days=1))
    WorkOrderFactory(status="IN_PROGRESS", kind="REPAIR", due_at=now - timedelta(hours=1))
    WorkOrderFactory(status="ASSIGNED", kind="INSTALLATION", due_at=now - timedelta(days=1),
                     sla_breached_at=now - timedelta(hours=20))
    done = WorkOrderFactory(status="COMPLETED", kind="INSTALLATION", due_at=now - timedelta(days=9))
    WorkOrder.objects.filter(pk=done.pk).update(created_at=now - timedelta(days=10),
                                                completed_at=now - timedelta(days=8))
    WorkOrderFactory(status="REJECTED", kind="REPAIR", due_at=now + timedelta(days=1))
    WorkOrderFactory(tenant_id=OTHER_TENANT, status="CREATED")

    with django_assert_max_num_queries(6):
        kpis = as_admin.get("/wx/api/v1/kpis/").json()
    assert kpis["by_status"]["CREATED"] == 1
    assert kpis["by_status"]["COMPLETED"] == 1
    assert kpis["by_status"]["REJECTED"] == 1  # declined: open, waiting for another technician
    assert (kpis["open"], kpis["overdue"], kpis["unassigned"], kpis["completed_late"]) == (4, 2, 2, 1)
    assert (kpis["open_by_kind"]["REPAIR"], kpis["open_by_kind"]["INSTALLATION"]) == (3, 1)
    assert kpis["average_turnaround_hours"] == 48.0


def test_the_overdue_sweep_runs_as_of_a_date():
    late = WorkOrderFactory(due_at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    later = WorkOrderFactory(due_at=datetime(2026, 3, 5, 12, tzinfo=UTC))

    assert monitor_work_order_sla.delay(as_of=date(2026, 3, 2).isoformat()).get() == {"breached": 1}
    late.refresh_from_db()
    later.refresh_from_db()
    assert late.sla_breached_at == datetime(2026, 3, 3, tzinfo=UTC)
    assert later.sla_breached_at is None
