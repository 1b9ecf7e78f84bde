from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from mx_testkit import feed, install

from mx.readings import services
from mx.readings.models import ReadCycle, Reading, ReadSchedule
from mx.readings.tasks import mark_missing_readings, open_read_cycles
from smart360.contracts.onboarding import OrganizationCreated
from smart360.domain.tenants import tenant_today
from smart360.testing.factories import TENANT

pytestmark = pytest.mark.django_db
CYCLES = "/mx/api/v1/read-cycles/"


def cycle_body(**extra) -> dict:
    return {"name": "Hill Jan", "area_ref": "23", "utility_service": "11",
            "scheduled_start_on": "2026-01-25", "due_on": "2026-02-05", **extra}


@pytest.fixture
def hill(as_admin) -> dict:
    """Three installed meters in area 23 (service 11), a route through them, a January cycle."""
    for n in (1, 2, 3):
        install(f"H-{n}", f"ACC-H{n}", "100")
    route = as_admin.post("/mx/api/v1/routes/", {
        "code": "HILL", "name": "Hill", "area_ref": "23", "utility_service": "11", "reader": "Ana",
        "meters": ["H-2", "H-1", "H-3"]}, format="json").json()
    cycle = as_admin.post(CYCLES, cycle_body(), format="json")
    assert cycle.status_code == 201, cycle.json()
    return {"route": route["id"], "cycle": cycle.json()["id"]}


def move(client, cycle: int, status: str):
    return client.post(f"{CYCLES}{cycle}/status/", {"status": status}, format="json")


def test_dispatch_hands_out_the_route_in_walking_order_and_starts_the_cycle(as_admin, hill):
    as_admin.post("/mx/api/v1/readings/", {"meter_serial": "H-1", "read_at": "2026-01-30T10:00:00Z",
                                           "value": "120"}, format="json")
    response = as_admin.post(f"{CYCLES}{hill['cycle']}/dispatch/", {"route": hill["route"]},
                             format="json")

    assert response.status_code == 200, response.json()
    sheet = response.json()
    assert (sheet["reader"], [s["meter_serial"] for s in sheet["stops"]]) == ("Ana", ["H-2", "H-1", "H-3"])
    assert [s["read"] for s in sheet["stops"]] == [False, True, False]
    assert as_admin.get(f"{CYCLES}{hill['cycle']}/").json()["status"] == "IN_PROGRESS"
    again = as_admin.post(f"{CYCLES}{hill['cycle']}/dispatch/", {"route": hill["route"], "reader": "Bo"},
                          format="json").json()
    assert (again["id"], again["reader"]) == (sheet["id"], "Bo")


def test_cycle_moves_and_409_naming_the_allowed_ones(as_admin, hill):
    cycle = hill["cycle"]
    assert move(as_admin, cycle, "PAUSED").json()["status"] == "PAUSED"
    refused = move(as_admin, cycle, "COMPLETED")
    assert refused.status_code == 409
    assert (refused.json()["current"], refused.json()["allowed"]) == ("PAUSED", ["IN_PROGRESS"])
    assert move(as_admin, cycle, "IN_PROGRESS").json()["status"] == "IN_PROGRESS"
    assert move(as_admin, cycle, "COMPLETED").json()["status"] == "COMPLETED"
    assert move(as_admin, cycle, "IN_PROGRESS").status_code == 409
    paused = as_admin.post(f"{CYCLES}{cycle}/dispatch/", {"route": hill["route"]}, format="json")
    assert paused.status_code == 409


def test_completing_marks_the_unread_meters_missing_and_gives_the_validation_rate(as_admin, hill):
    for serial, value in (("H-1", "130"), ("H-2", "100")):
        as_admin.post("/mx/api/v1/readings/", {"meter_serial": serial, "value": value,
                                               "read_at": "2026-01-30T10:00:00Z"}, format="json")
    move(as_admin, hill["cycle"], "IN_PROGRESS")
    done = move(as_admin, hill["cycle"], "COMPLETED").json()

    assert done["missing_marked_at"]
    missing = Reading.objects.get(status="MISSING")
    assert (missing.meter.serial, missing.cycle_id, missing.value) == ("H-3", hill["cycle"], None)
    rate = as_admin.get("/mx/api/v1/readings/validation-rate/", {"cycle": hill["cycle"]}).json()
    assert rate == {"cycle": hill["cycle"], "total": 3, "rate": "0.3333",
                    "counts": {"PASS": 1, "REVISIT": 0, "EXEMPTION": 1, "MISSING": 1}}
    # The sweep afterwards finds nothing more to do.
    assert services.readings_mark_missing(as_of=date(2027, 1, 1), now=done_now()) == 0


def done_now():
    from django.utils import timezone

    return timezone.now()


def test_the_missing_sweep_marks_cycles_past_due_once(as_admin, hill):
    assert mark_missing_readings.delay(as_of="2026-02-05").get() == {"missing": 0}  # due today
    assert mark_missing_readings.delay(as_of="2026-02-06").get() == {"missing": 3}
    assert mark_missing_readings.delay(as_of="2026-02-07").get() == {"missing": 0}
    assert Reading.objects.filter(status="MISSING").count() == 3


def test_a_paused_cycle_is_not_swept(as_admin, hill):
    move(as_admin, hill["cycle"], "PAUSED")
    assert mark_missing_readings.delay(as_of="2026-03-01").get() == {"missing": 0}


def test_validation_rate_of_another_tenants_cycle_is_not_found(as_other_tenant, hill):
    assert as_other_tenant.get("/mx/api/v1/readings/validation-rate/",
                               {"cycle": hill["cycle"]}).status_code == 404
    assert as_other_tenant.get(f"{CYCLES}{hill['cycle']}/").status_code == 404
    assert move(as_other_tenant, hill["cycle"], "PAUSED").status_code == 404
    assert as_other_tenant.post(f"{CYCLES}{hill['cycle']}/dispatch/", {"route": hill["route"]},
                                format="json").status_code == 404


def test_a_cycle_due_before_its_start_is_refused_and_a_second_one_the_same_day_conflicts(as_admin):
    bad = as_admin.post(CYCLES, cycle_body(due_on="2026-01-01"), format="json")
    assert bad.status_code == 400
    assert as_admin.post(CYCLES, cycle_body(), format="json").status_code == 201
    assert as_admin.post(CYCLES, cycle_body(), format="json").status_code == 409


# -- the schedule ------------------------------------------------------------------------------
def schedule(as_admin, next_open_on: str, **extra) -> dict:
    response = as_admin.post("/mx/api/v1/read-schedules/", {
        "name": "Hill", "area_ref": "23", "utility_service": "11", "next_open_on": next_open_on,
        "window_days": 10, **extra}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_job_opens_a_cycle_from_the_schedule_as_of_a_date(as_admin):
    schedule(as_admin, "2026-03-01")

    assert open_read_cycles.delay(as_of="2026-02-28").get()["opened"] == 0
    assert open_read_cycles.delay(as_of="2026-03-01").get() == {
        "schedules_due": 1, "opened": 1, "started": 1}
    [cycle] = ReadCycle.objects.all()
    assert (cycle.scheduled_start_on, cycle.due_on, cycle.status) == (
        date(2026, 3, 1), date(2026, 3, 10), "IN_PROGRESS")
    assert ReadSchedule.objects.get().next_open_on == date(2026, 4, 1)
    # Fired again for the same day: nothing twice.
    assert open_read_cycles.delay(as_of="2026-03-01").get()["opened"] == 0


def test_a_schedule_far_behind_catches_up_one_period_per_firing(as_admin):
    schedule(as_admin, "2026-01-01")
    for _ in range(3):
        open_read_cycles.delay(as_of="2026-03-15").get()
    assert list(ReadCycle.objects.order_by("scheduled_start_on")
                .values_list("scheduled_start_on", flat=True)) == [
        date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]


def test_without_a_date_the_job_uses_the_tenants_own_calendar(as_admin):
    feed(OrganizationCreated(organization_id=TENANT, name="Kiwi Water", currency="NZD",
                             timezone="Pacific/Kiritimati", created_by=uuid.uuid4()))
    today = tenant_today(TENANT)
    schedule(as_admin, (today + timedelta(days=1)).isoformat())
    assert open_read_cycles.delay().get()["opened"] == 0
    ReadSchedule.objects.update(next_open_on=today)
    assert open_read_cycles.delay().get()["opened"] == 1


def test_a_scheduled_cycle_starts_on_its_day(as_admin):
    as_admin.post(CYCLES, cycle_body(scheduled_start_on="2026-05-01", due_on="2026-05-07"),
                  format="json")
    assert open_read_cycles.delay(as_of="2026-04-30").get()["started"] == 0
    assert open_read_cycles.delay(as_of="2026-05-01").get()["started"] == 1


def test_readings_land_in_the_cycle_of_their_day_in_the_tenants_time_zone(as_admin, hill):
    feed(OrganizationCreated(organization_id=TENANT, name="Kiwi Water", currency="NZD",
                             timezone="Pacific/Kiritimati", created_by=uuid.uuid4()))  # UTC+14
    # 24 January 11:00 UTC is already 25 January at Kiritimati: the cycle's first day.
    body = as_admin.post("/mx/api/v1/readings/", {"meter_serial": "H-1", "value": "110",
                                                  "read_at": "2026-01-24T11:00:00Z"}, format="json")
    assert body.json()["cycle"] == hill["cycle"]
