from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from mx_testkit import feed, install, published

from mx.meters.models import Meter
from mx.readings.models import Reading, ReadingOverride
from smart360.testing.factories import OTHER_TENANT

pytestmark = pytest.mark.django_db
URL = "/mx/api/v1/readings/"
DAY = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def at(days: int) -> str:
    return (DAY + timedelta(days=days)).isoformat()


def read(client, serial: str, value: str, days: int, **extra):
    return client.post(URL, {"meter_serial": serial, "read_at": at(days), "value": value, **extra},
                       format="json")


def ok(response) -> dict:
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def meter(as_admin) -> str:
    install("M-1", "ACC-1", "100")
    return "M-1"


def test_a_plain_reading_passes_with_its_consumption_and_is_published(as_admin, meter):
    body = ok(read(as_admin, meter, "130.250", 30, photo="s3://photos/m1.jpg"))

    assert (body["status"], body["consumption"], body["rule"]) == ("PASS", "30.250", "")
    assert (body["previous_value"], body["previous_read_at"]) == ("100.000", "2026-01-01T09:00:00Z")
    assert (body["account_number"], body["photo"]) == ("ACC-1", "s3://photos/m1.jpg")
    [event] = published()
    assert event == {"reading_id": body["id"], "account_number": "ACC-1", "meter_serial": "M-1",
                     "read_at": "2026-01-31T09:00:00Z", "value": "130.250",
                     "previous_value": "100.000", "previous_read_at": "2026-01-01T09:00:00Z",
                     "consumption": "30.250", "status": "PASS", "bands": {}}
    meter_row = as_admin.get("/mx/api/v1/meters/", {"serial": meter}).json()["results"][0]
    assert (meter_row["last_reading"], meter_row["last_read_at"]) == ("130.250", "2026-01-31T09:00:00Z")


def test_consumption_runs_from_the_last_validated_reading(as_admin, meter):
    ok(read(as_admin, meter, "150", 30))
    revisit = ok(read(as_admin, meter, "140", 60))  # negative: not a base
    third = ok(read(as_admin, meter, "190", 90))

    assert (revisit["status"], revisit["rule"], revisit["consumption"]) == ("REVISIT", "negative", "-10.000")
    assert (third["status"], third["consumption"], third["previous_value"]) == ("PASS", "40.000", "150.000")
    assert [e["consumption"] for e in published()] == ["50.000", "40.000"]


def test_zero_consumption_is_an_exemption_and_still_published(as_admin, meter):
    body = ok(read(as_admin, meter, "100", 30))

    assert (body["status"], body["rule"], body["consumption"]) == ("EXEMPTION", "zero", "0.000")
    assert [(e["status"], e["consumption"]) for e in published()] == [("EXEMPTION", "0.000")]


def test_a_rolled_over_register_passes_with_the_wrapped_consumption(as_admin):
    install("M-ROLL", "ACC-R", "99990")
    as_admin.post("/mx/api/v1/meters/", {"serial": "unused"}, format="json")
    Meter.objects.filter(serial="M-ROLL").update(digits=5)

    body = ok(read(as_admin, "M-ROLL", "15", 30))

    assert (body["status"], body["rule"], body["consumption"]) == ("PASS", "rollover", "25.000")


def test_a_drop_far_from_the_top_of_the_dial_is_not_a_rollover(as_admin, meter):
    body = ok(read(as_admin, meter, "5", 30))
    assert (body["status"], body["rule"]) == ("REVISIT", "negative")
    assert published() == []


def test_a_spike_against_the_history_is_sent_back(as_admin, meter):
    value = 100
    for month in range(1, 4):  # three months of ~10
        value += 10
        assert ok(read(as_admin, meter, str(value), 30 * month))["status"] == "PASS"
    normal = ok(read(as_admin, meter, str(value + 29), 120))  # 29 <= 3 * 10
    spike = ok(read(as_admin, meter, str(value + 29 + 100), 150))  # 100 > 3 * average

    assert (normal["status"], spike["status"], spike["rule"]) == ("PASS", "REVISIT", "spike")
    assert len(published()) == 4


@pytest.mark.parametrize(("body", "status"), [
    ({"meter_serial": "M-1", "read_at": "2999-01-01T00:00:00Z", "value": "1"}, 400),
    ({"meter_serial": "M-1", "read_at": "2026-02-01T00:00:00Z", "value": "-1"}, 400),
    ({"meter_serial": "M-1", "read_at": "2026-02-01T00:00:00Z", "value": 5}, 400),
    ({"meter_serial": "M-1", "read_at": "2026-02-01T00:00:00Z", "value": "1234567"}, 400),
    ({"meter_serial": "NOPE", "read_at": "2026-02-01T00:00:00Z", "value": "1"}, 404),
    ({"meter_serial": "M-1", "read_at": "2025-12-01T00:00:00Z", "value": "101"}, 409),
])
def test_bad_readings_are_refused(as_admin, meter, body, status):
    response = as_admin.post(URL, body, format="json")
    assert response.status_code == status, response.json()
    assert not Reading.objects.exclude(source="INSTALLATION").exists()


def test_a_meter_not_installed_or_not_linked_takes_no_reading(as_admin):
    as_admin.post("/mx/api/v1/meters/", {"serial": "STOCK"}, format="json")
    feed(__import__("mx_testkit").completion("UNLINKED"))

    assert read(as_admin, "STOCK", "1", 30).status_code == 409
    unlinked = read(as_admin, "UNLINKED", "120", 30)
    assert unlinked.status_code == 409
    assert "not linked" in unlinked.json()["detail"]


def test_the_same_reading_twice_is_refused_not_doubled(as_admin, meter):
    ok(read(as_admin, meter, "120", 30))
    again = read(as_admin, meter, "120", 30)
    assert again.status_code == 409
    assert Reading.objects.filter(source="MANUAL").count() == 1


def test_idempotency_key_replays_the_answer(as_admin, meter):
    body = {"meter_serial": meter, "read_at": at(30), "value": "125"}
    first = as_admin.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = as_admin.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert len(published()) == 1


def test_another_tenants_meter_and_readings_are_not_found(as_admin, as_other_tenant, meter):
    reading = ok(read(as_admin, meter, "120", 30))

    assert read(as_other_tenant, meter, "130", 40).status_code == 404
    assert as_other_tenant.get(f"{URL}{reading['id']}/").status_code == 404
    override = as_other_tenant.post(f"{URL}{reading['id']}/override/",
                                    {"status": "PASS", "reason": "x"}, format="json")
    assert override.status_code == 404
    assert as_other_tenant.get(URL).json()["results"] == []
    assert published(tenant_id=OTHER_TENANT) == []


def test_a_reading_is_a_constant_number_of_queries(as_admin, meter, django_assert_max_num_queries):
    ok(read(as_admin, meter, "110", 10))
    with django_assert_max_num_queries(30) as first:
        ok(read(as_admin, meter, "120", 20))
    with django_assert_max_num_queries(len(first.captured_queries)):
        ok(read(as_admin, meter, "130", 30))


# -- manual override ---------------------------------------------------------------------------
def test_override_passes_a_revisit_with_the_audit_and_publishes(as_admin, meter):
    revisit = ok(read(as_admin, meter, "95", 30))
    response = as_admin.post(f"{URL}{revisit['id']}/override/", {
        "status": "PASS", "reason": "meter replaced, new dial", "consumption": "12.5"}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["rule"], body["consumption"]) == ("PASS", "override", "12.500")
    [audit] = body["overrides"]
    assert (audit["previous_status"], audit["status"], audit["by"], audit["reason"]) == (
        "REVISIT", "PASS", "clerk@utility.test", "meter replaced, new dial")
    assert audit["created_at"]
    [event] = published()
    assert (event["reading_id"], event["consumption"], event["previous_value"]) == (
        revisit["id"], "12.500", "100.000")
    # The overridden reading is the meter's base now.
    assert ok(read(as_admin, meter, "100", 60))["consumption"] == "5.000"


def test_override_of_a_spike_measures_the_consumption_again(as_admin, meter):
    Reading.objects.filter(meter__serial=meter).update(status="PASS")
    for month in range(1, 4):
        ok(read(as_admin, meter, str(100 + month), 30 * month))
    spike = ok(read(as_admin, meter, "500", 120))
    assert spike["status"] == "REVISIT"

    body = as_admin.post(f"{URL}{spike['id']}/override/", {"status": "PASS", "reason": "new pool"},
                         format="json").json()
    assert body["consumption"] == "397.000"


def test_a_negative_override_needs_its_consumption(as_admin, meter):
    revisit = ok(read(as_admin, meter, "95", 30))
    response = as_admin.post(f"{URL}{revisit['id']}/override/", {"status": "PASS", "reason": "?"},
                             format="json")
    assert response.status_code == 400
    assert not ReadingOverride.objects.exists()


def test_only_a_revisit_can_be_overridden(as_admin, meter):
    passed = ok(read(as_admin, meter, "120", 30))
    response = as_admin.post(f"{URL}{passed['id']}/override/", {"status": "EXEMPTION", "reason": "x",
                                                                "consumption": "0"}, format="json")
    assert response.status_code == 409
    assert response.json()["current"] == "PASS"
    assert len(published()) == 1  # a 409 publishes nothing


def test_override_behind_a_later_validated_reading_is_refused(as_admin, meter):
    revisit = ok(read(as_admin, meter, "95", 30))
    ok(read(as_admin, meter, "120", 60))
    response = as_admin.post(f"{URL}{revisit['id']}/override/",
                             {"status": "PASS", "reason": "x", "consumption": "1"}, format="json")
    assert response.status_code == 409
    assert Reading.objects.get(pk=revisit["id"]).status == "REVISIT"


def test_readings_list_filters(as_admin, meter):
    ok(read(as_admin, meter, "120", 30))
    ok(read(as_admin, meter, "90", 60))
    rows = as_admin.get(URL, {"meter": meter, "status": "REVISIT"}).json()["results"]
    assert [(r["value"], r["status"]) for r in rows] == [("90.000", "REVISIT")]
    assert Decimal(as_admin.get(URL, {"account": "ACC-1"}).json()["results"][-1]["value"]) == 100
