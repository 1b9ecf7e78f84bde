from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from mx_testkit import INSTALLED_AT, activation, completion, feed, install

from mx.meters.models import Meter
from mx.readings.models import Reading
from smart360.testing.factories import OTHER_TENANT, TENANT

pytestmark = pytest.mark.django_db
URL = "/mx/api/v1/meters/"


def lookup(client, serial: str) -> dict:
    response = client.get(URL, {"serial": serial})
    assert response.status_code == 200, response.json()
    [meter] = response.json()["results"]
    return meter


@pytest.mark.parametrize("completion_first", [True, False])
def test_installation_in_either_order_links_the_meter_to_the_account(as_admin, completion_first):
    events = [completion("SN-1", "120.5"), activation("SN-1", "ACC-202601-00001", "120.5")]
    for event in events if completion_first else events[::-1]:
        feed(event)

    meter = lookup(as_admin, "SN-1")
    assert (meter["account_number"], meter["status"], meter["last_reading"]) == (
        "ACC-202601-00001", "INSTALLED", "120.500")
    assert meter["installed_at"] == "2026-01-01T09:00:00Z"
    assert (meter["area_ref"], meter["utility_service"]) == ("23", "11")
    [first] = Reading.objects.filter(meter__serial="SN-1")
    assert (first.source, first.status, first.value, first.read_at, first.account_number) == (
        "INSTALLATION", "PASS", Decimal("120.5"), INSTALLED_AT, "ACC-202601-00001")


def test_redelivered_events_change_nothing(as_admin):
    completed, activated = completion("SN-2"), activation("SN-2", "ACC-2")
    feed(completed, event_id="00000000-0000-0000-0000-000000000001")
    feed(activated, event_id="00000000-0000-0000-0000-000000000002")
    before = list(Meter.objects.values())

    feed(completed, event_id="00000000-0000-0000-0000-000000000001")  # the same event again
    feed(activated)  # the same facts under a new id
    feed(completed)

    assert list(Meter.objects.values()) == before
    assert Reading.objects.count() == 1


def test_failed_or_other_work_orders_install_nothing():
    feed(completion("SN-3", outcome="fail"))
    wo = completion("SN-4")
    feed(wo.model_copy(update={"kind": "SITE_INSPECTION"}))

    assert not Meter.objects.exists()


def test_inventory_then_installation_from_the_field(as_admin):
    created = as_admin.post(URL, {"serial": "SN-5", "model": "Itron A", "digits": 5}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "IN_STOCK"

    install("SN-5", "ACC-5", "99999")

    meter = lookup(as_admin, "SN-5")
    assert (meter["status"], meter["digits"], meter["model"]) == ("INSTALLED", 5, "Itron A")


def test_a_serial_is_registered_once_per_tenant(as_admin, as_other_tenant):
    assert as_admin.post(URL, {"serial": "SN-6"}, format="json").status_code == 201
    again = as_admin.post(URL, {"serial": "SN-6"}, format="json")
    assert again.status_code == 409
    assert as_other_tenant.post(URL, {"serial": "SN-6"}, format="json").status_code == 201


def test_lifecycle_moves_and_409_naming_the_allowed_ones(as_admin):
    meter_id = as_admin.post(URL, {"serial": "SN-7"}, format="json").json()["id"]

    refused = as_admin.post(f"{URL}{meter_id}/status/", {"status": "REMOVED"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["current"] == "IN_STOCK"
    assert set(refused.json()["allowed"]) == {"INSTALLED", "FAULTY"}

    installed = as_admin.post(f"{URL}{meter_id}/install/", {
        "premise": "1 Hill Lane", "initial_reading": "12.000",
        "installed_at": "2026-02-01T08:00:00Z", "account_number": "ACC-7"}, format="json")
    assert installed.status_code == 200, installed.json()
    assert (installed.json()["status"], installed.json()["last_reading"]) == ("INSTALLED", "12.000")
    twice = as_admin.post(f"{URL}{meter_id}/install/", {
        "premise": "1 Hill Lane", "initial_reading": "12.000",
        "installed_at": "2026-02-01T08:00:00Z"}, format="json")
    assert twice.status_code == 409

    removed = as_admin.post(f"{URL}{meter_id}/status/", {"status": "REMOVED", "reason": "swap"},
                            format="json")
    assert (removed.status_code, removed.json()["status"]) == (200, "REMOVED")
    restocked = as_admin.post(f"{URL}{meter_id}/status/", {"status": "IN_STOCK"}, format="json")
    assert (restocked.json()["status"], restocked.json()["account_number"]) == ("IN_STOCK", "")


def test_installation_in_the_future_is_refused(as_admin):
    meter_id = as_admin.post(URL, {"serial": "SN-8"}, format="json").json()["id"]
    response = as_admin.post(f"{URL}{meter_id}/install/", {
        "premise": "x", "initial_reading": "1", "installed_at": "2999-01-01T00:00:00Z"},
        format="json")
    assert response.status_code == 400


def test_another_tenants_meter_is_not_found(as_admin, as_other_tenant):
    install("SN-9", "ACC-9")
    meter_id = lookup(as_admin, "SN-9")["id"]

    assert as_other_tenant.get(f"{URL}{meter_id}/").status_code == 404
    assert as_other_tenant.get(URL, {"serial": "SN-9"}).json()["results"] == []
    moved = as_other_tenant.post(f"{URL}{meter_id}/status/", {"status": "FAULTY"}, format="json")
    assert moved.status_code == 404


def test_the_same_serial_in_two_tenants_is_two_meters():
    install("SN-10", "ACC-A")
    install("SN-10", "ACC-B", tenant_id=OTHER_TENANT)

    assert dict(Meter.objects.values_list("tenant_id", "account_number")) == {
        TENANT: "ACC-A", OTHER_TENANT: "ACC-B"}


def test_meter_list_is_a_constant_number_of_queries(as_admin, django_assert_max_num_queries):
    for n in range(12):
        install(f"SN-L{n}", f"ACC-L{n}")
    with django_assert_max_num_queries(3):
        response = as_admin.get(URL, {"limit": 50})
    assert len(response.json()["results"]) == 12


def test_routes_keep_their_walking_order(as_admin, as_other_tenant):
    for n in (1, 2, 3):
        install(f"SN-R{n}", f"ACC-R{n}")
    created = as_admin.post("/mx/api/v1/routes/", {
        "code": "R-1", "name": "Hill", "area_ref": "23", "utility_service": "11",
        "meters": ["SN-R3", "SN-R1", "SN-R2"]}, format="json")
    assert created.status_code == 201, created.json()
    route = f"/mx/api/v1/routes/{created.json()['id']}/"

    assert [s["meter_serial"] for s in as_admin.get(route).json()["stops"]] == [
        "SN-R3", "SN-R1", "SN-R2"]
    reordered = as_admin.put(f"{route}meters/", {"meters": ["SN-R1", "SN-R2"]}, format="json")
    assert [s["meter_serial"] for s in reordered.json()["stops"]] == ["SN-R1", "SN-R2"]
    unknown = as_admin.put(f"{route}meters/", {"meters": ["SN-NOPE"]}, format="json")
    assert unknown.status_code == 400
    assert as_other_tenant.get(route).status_code == 404


def test_unknown_tenant_time_zone_falls_back_to_utc():
    install("SN-Z", "ACC-Z", at=datetime(2026, 3, 1, tzinfo=UTC))
    assert Meter.objects.get(serial="SN-Z").last_read_at == datetime(2026, 3, 1, tzinfo=UTC)
    assert uuid.UUID(str(Meter.objects.get(serial="SN-Z").tenant_id)) == TENANT
