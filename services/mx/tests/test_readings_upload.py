from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from mx_testkit import install, published

from mx.meters.models import Meter
from mx.readings import ingest
from mx.readings.models import Reading

pytestmark = pytest.mark.django_db
URL = "/mx/api/v1/readings/upload/"


def upload(client, text: str):
    return client.post(URL, {"file": SimpleUploadedFile("reads.csv", text.encode(), "text/csv")},
                       format="multipart")


@pytest.fixture
def meters() -> list[str]:
    for n in range(1, 4):
        install(f"U-{n}", f"ACC-{n}", "100")
    return ["U-1", "U-2", "U-3"]


def test_good_lines_are_kept_and_bad_ones_reported_with_their_line(as_admin, meters):
    response = upload(as_admin, "\n".join([
        "meter_serial,read_at,value",
        "U-1,2026-01-31T09:00:00Z,130",          # 2 PASS
        "U-2,2026-01-31T09:00:00Z,not-a-number",  # 3
        "U-3,2999-01-01T00:00:00Z,120",           # 4 future
        "NOPE,2026-01-31T09:00:00Z,120",          # 5 unknown meter
        "U-2,2026-01-31,100",                     # 6 EXEMPTION (a date: midnight, tenant time)
        "U-3,yesterday,1",                        # 7
        "U-1,2026-01-31T09:00:00Z,131",           # 8 duplicate of line 2
        "U-3,2025-12-01T00:00:00Z,120",           # 9 before the installation reading
        "U-3,2026-01-31T09:00:00Z,90",            # 10 REVISIT (negative)
        "U-3,2026-01-31T10:00:00Z",               # 11 a field short
        "U-3,2026-02-01T10:00:00Z,-4",            # 12
        "U-3,2026-02-01T10:00:00Z,1.23456",       # 13
        "U-3,2026-02-01T10:00:00Z,1000000",       # 14 more digits than the dial
    ]))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["accepted"], body["statuses"]) == (3, {"PASS": 1, "EXEMPTION": 1, "REVISIT": 1})
    assert [r["line"] for r in body["rejected"]] == [3, 4, 5, 7, 8, 9, 11, 12, 13, 14]
    errors = {r["line"]: r["error"] for r in body["rejected"]}
    assert "not a number" in errors[3]
    assert "future" in errors[4]
    assert errors[5] == "no meter NOPE"
    assert errors[8] == "the same meter and read_at as line 2"
    assert "last validated reading" in errors[9]
    assert "digits" in errors[14]
    assert sorted(Reading.objects.filter(source="UPLOAD").values_list("meter__serial", "status")) == [
        ("U-1", "PASS"), ("U-2", "EXEMPTION"), ("U-3", "REVISIT")]
    assert sorted((e["meter_serial"], e["consumption"]) for e in published()) == [
        ("U-1", "30.000"), ("U-2", "0.000")]


def test_the_same_file_twice_records_nothing_twice(as_admin, meters):
    text = "U-1,2026-01-31T09:00:00Z,130\nU-2,2026-01-31T09:00:00Z,140\n"
    assert upload(as_admin, text).json()["accepted"] == 2

    again = upload(as_admin, text).json()

    assert again["accepted"] == 0
    assert [r["line"] for r in again["rejected"]] == [1, 2]
    assert Reading.objects.filter(source="UPLOAD").count() == 2
    assert len(published()) == 2


def test_several_readings_of_a_meter_are_chained_in_time_order(as_admin, meters):
    body = upload(as_admin, "\n".join([
        "U-1,2026-03-31T09:00:00Z,160",
        "U-1,2026-01-31T09:00:00Z,120",
        "U-1,2026-02-28T09:00:00Z,110",  # negative against January: REVISIT, not a base
    ])).json()

    assert body["accepted"] == 3
    rows = list(Reading.objects.filter(source="UPLOAD").order_by("read_at")
                .values_list("status", "consumption", "previous_value"))
    assert rows == [("PASS", Decimal("20"), Decimal("100")), ("REVISIT", Decimal("-10"), Decimal("120")),
                    ("PASS", Decimal("40"), Decimal("120"))]
    assert Meter.objects.get(serial="U-1").last_value == Decimal("160")


def test_nothing_is_half_written_when_the_batch_fails(as_admin, meters, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(ingest, "publish_many", broken)
    as_admin.raise_request_exception = False

    response = upload(as_admin, "U-1,2026-01-31T09:00:00Z,130\nU-2,2026-01-31T09:00:00Z,140\n")

    assert response.status_code == 500
    assert not Reading.objects.filter(source="UPLOAD").exists()
    assert set(Meter.objects.values_list("last_value", flat=True)) == {Decimal("100")}


def test_an_empty_or_header_only_file_accepts_nothing(as_admin):
    assert upload(as_admin, "meter_serial,read_at,value\n").json() == {
        "accepted": 0, "rejected": [], "statuses": {}}


def test_a_file_that_is_not_text_is_refused(as_admin):
    response = as_admin.post(URL, {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad")},
                             format="multipart")
    assert response.status_code == 400


def test_another_tenants_meters_are_unknown(as_other_tenant, meters):
    body = upload(as_other_tenant, "U-1,2026-01-31T09:00:00Z,130\n").json()
    assert (body["accepted"], body["rejected"]) == (0, [{"line": 1, "error": "no meter U-1"}])


def test_the_number_of_queries_does_not_grow_with_the_file(as_admin, django_assert_max_num_queries):
    for n in range(40):
        install(f"Q-{n}", f"ACC-Q{n}", "100")

    def text(meters: int) -> str:
        return "".join(f"Q-{n},2026-01-31T09:00:00Z,1{n:02d}\n" for n in range(meters))

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert upload(as_admin, text(3)).json()["accepted"] == 3
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = upload(as_admin, "".join(f"Q-{n},2026-02-28T09:00:00Z,2{n:02d}\n" for n in range(40)))
    assert body.json()["accepted"] == 40
