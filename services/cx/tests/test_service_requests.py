"""The service catalog, service requests and complaints: prices as Decimal, SLA due times from
the catalog (or the complaint's priority), moves with 409s, the breach sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cx.consumers.models import Account, Consumer
from cx.service_requests import tasks
from cx.service_requests.models import Complaint, ServiceRequest
from smart360.django.models import JobRun
from smart360.testing.factories import OTHER_TENANT, TENANT

pytestmark = pytest.mark.django_db
CATALOG = "/cx/api/v1/service-catalog/"
REQUESTS = "/cx/api/v1/service-requests/"
COMPLAINTS = "/cx/api/v1/complaints/"


@pytest.fixture
def consumer() -> Consumer:
    return Consumer.objects.create(tenant_id=TENANT, number="CUST-1", name="Rita Lopes")


@pytest.fixture
def meter_test(as_admin) -> dict:
    response = as_admin.post(CATALOG, {"code": "METER_TEST", "name": "Meter accuracy test",
                                       "price": "25.50", "response_sla_hours": 24,
                                       "resolution_sla_hours": 72, "priority": "LOW"}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_catalog_service_has_a_decimal_price_slas_and_a_priority(as_admin, meter_test):
    assert (meter_test["price"], meter_test["response_sla_hours"], meter_test["resolution_sla_hours"],
            meter_test["priority"], meter_test["active"]) == ("25.50", 24, 72, "LOW", True)
    dup = as_admin.post(CATALOG, {"code": "METER_TEST", "name": "x", "price": "1",
                                  "response_sla_hours": 1, "resolution_sla_hours": 1}, format="json")
    assert dup.status_code == 409


@pytest.mark.parametrize(("changes", "field"), [
    ({"price": "-1.00"}, "price"), ({"price": 25.5}, "price"), ({"price": "1.234"}, "price"),
    ({"response_sla_hours": 0}, "response_sla_hours"), ({"priority": "URGENT"}, "priority"),
    ({"response_sla_hours": 48, "resolution_sla_hours": 24}, "resolution_sla_hours"),
])
def test_bad_catalog_input_is_a_400(as_admin, changes, field):
    body = {"code": "X", "name": "x", "price": "1.00", "response_sla_hours": 1,
            "resolution_sla_hours": 2, **changes}
    response = as_admin.post(CATALOG, body, format="json")
    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]]


def test_a_request_takes_its_price_and_due_times_from_the_catalog(as_admin, consumer, meter_test):
    before = timezone.now()
    response = as_admin.post(REQUESTS, {"consumer": consumer.pk, "service": meter_test["id"],
                                        "description": "meter runs fast"}, format="json")
    assert response.status_code == 201, response.json()
    req = response.json()
    assert req["number"].startswith("SR-")
    assert len(req["number"]) == len("SR-20261201-0001")
    assert (req["price"], req["priority"], req["status"], req["consumer_name"]) == (
        "25.50", "LOW", "OPEN", "Rita Lopes")
    row = ServiceRequest.objects.get()
    assert before + timedelta(hours=24) <= row.response_due_at <= timezone.now() + timedelta(hours=24)
    assert row.resolution_due_at - row.response_due_at == timedelta(hours=48)
    # a later price change does not reprice what was asked
    as_admin.patch(f"{CATALOG}{meter_test['id']}/", {"price": "30.00"}, format="json")
    assert as_admin.get(f"{REQUESTS}{req['id']}/").json()["price"] == "25.50"


def test_a_request_refers_to_known_things_of_this_tenant(as_admin, consumer, meter_test):
    theirs = Consumer.objects.create(tenant_id=OTHER_TENANT, number="T-1", name="Theirs")
    assert as_admin.post(REQUESTS, {"consumer": theirs.pk, "service": meter_test["id"]},
                         format="json").status_code == 404
    assert as_admin.post(REQUESTS, {"consumer": consumer.pk, "service": 99999},
                         format="json").status_code == 404
    assert as_admin.post(REQUESTS, {"consumer": consumer.pk, "service": meter_test["id"],
                                    "account": "ACC-NONE"}, format="json").status_code == 404
    other = Consumer.objects.create(tenant_id=TENANT, number="CUST-2", name="Other")
    Account.objects.create(tenant_id=TENANT, number="ACC-1", consumer=other, utility_service=1,
                           category=1, plan=1, area=1, premise="x", connected_at=timezone.now(),
                           status_changed_at=timezone.now())
    wrong = as_admin.post(REQUESTS, {"consumer": consumer.pk, "service": meter_test["id"],
                                     "account": "ACC-1"}, format="json")
    assert wrong.status_code == 400
    as_admin.patch(f"{CATALOG}{meter_test['id']}/", {"active": False}, format="json")
    assert as_admin.post(REQUESTS, {"consumer": consumer.pk, "service": meter_test["id"]},
                         format="json").status_code == 409
    assert not ServiceRequest.objects.exists()


def test_moves_stamp_response_and_resolution_and_refuse_illegal_ones(as_admin, consumer, meter_test):
    req = as_admin.post(REQUESTS, {"consumer": consumer.pk, "service": meter_test["id"]},
                        format="json").json()
    move = f"{REQUESTS}{req['id']}/status/"
    started = as_admin.post(move, {"status": "IN_PROGRESS"}, format="json").json()
    assert started["responded_at"]
    assert started["response_breached_at"] is None
    resolved = as_admin.post(move, {"status": "RESOLVED", "note": "meter replaced"}, format="json").json()
    assert (resolved["status"], resolved["resolution"], resolved["breached_at"]) == (
        "RESOLVED", "meter replaced", None)
    closed = as_admin.post(move, {"status": "CLOSED"}, format="json").json()
    assert closed["status"] == "CLOSED"
    illegal = as_admin.post(move, {"status": "IN_PROGRESS"}, format="json")
    assert illegal.status_code == 409
    assert (illegal.json()["current"], illegal.json()["allowed"]) == ("CLOSED", [])
    assert as_admin.post(move, {"status": "OPEN"}, format="json").status_code == 409


def test_a_late_answer_is_stamped_as_a_breach_when_it_happens(as_admin, consumer, meter_test):
    req = as_admin.post(REQUESTS, {"consumer": consumer.pk, "service": meter_test["id"]},
                        format="json").json()
    ServiceRequest.objects.filter(pk=req["id"]).update(
        response_due_at=timezone.now() - timedelta(hours=1),
        resolution_due_at=timezone.now() - timedelta(minutes=1))
    resolved = as_admin.post(f"{REQUESTS}{req['id']}/status/", {"status": "RESOLVED"},
                             format="json").json()
    assert resolved["response_breached_at"]
    assert resolved["breached_at"]


def test_complaints_get_their_sla_from_their_priority(as_admin, consumer):
    response = as_admin.post(COMPLAINTS, {"consumer": consumer.pk, "category": "SUPPLY",
                                          "subject": "No water since noon", "priority": "EMERGENCY"},
                             format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("CMP-")
    row = Complaint.objects.get()
    assert row.resolution_due_at - row.created_at < timedelta(hours=4, seconds=5)
    assert row.response_due_at - row.created_at < timedelta(hours=1, seconds=5)
    move = f"{COMPLAINTS}{body['id']}/status/"
    assert as_admin.post(move, {"status": "CLOSED"}, format="json").status_code == 409
    assert as_admin.post(move, {"status": "CANCELLED"}, format="json").json()["status"] == "CANCELLED"


def test_the_sla_sweep_flags_open_work_past_due_once(as_admin, consumer, meter_test):
    ids = [as_admin.post(REQUESTS, {"consumer": consumer.pk, "service": meter_test["id"]},
                         format="json").json()["id"] for _ in range(3)]
    complaint = as_admin.post(COMPLAINTS, {"consumer": consumer.pk, "category": "BILLING",
                                           "subject": "Bill too high"}, format="json").json()
    past = timezone.now() - timedelta(hours=2)
    ServiceRequest.objects.filter(pk__in=ids[:2]).update(response_due_at=past, resolution_due_at=past)
    ServiceRequest.objects.filter(pk=ids[1]).update(status="RESOLVED")  # done: its clock stopped
    Complaint.objects.filter(pk=complaint["id"]).update(resolution_due_at=past)

    result = tasks.sweep_sla_breaches.apply().get()
    assert result == {"service_requests": 1, "service_requests_response": 1, "complaints": 1,
                      "complaints_response": 0}
    flagged = ServiceRequest.objects.get(pk=ids[0])
    assert flagged.breached_at
    assert flagged.response_breached_at
    assert ServiceRequest.objects.get(pk=ids[1]).breached_at is None
    assert tasks.sweep_sla_breaches.apply().get() == {
        "service_requests": 0, "service_requests_response": 0, "complaints": 0, "complaints_response": 0}
    assert JobRun.objects.get(name="cx.sweep_sla_breaches").runs == 2
    breached = as_admin.get(REQUESTS, {"breached": "true"}).json()["results"]
    assert [r["id"] for r in breached] == [ids[0]]
    assert len(as_admin.get(REQUESTS, {"breached": "false"}).json()["results"]) == 2


def test_lists_filter_search_and_do_not_query_per_row(as_admin, consumer, meter_test,
                                                     django_assert_max_num_queries):
    for _ in range(8):
        as_admin.post(REQUESTS, {"consumer": consumer.pk, "service": meter_test["id"]}, format="json")
        as_admin.post(COMPLAINTS, {"consumer": consumer.pk, "category": "METER", "subject": "s"},
                      format="json")
    with django_assert_max_num_queries(1):
        assert len(as_admin.get(REQUESTS).json()["results"]) == 8
    with django_assert_max_num_queries(1):
        assert len(as_admin.get(COMPLAINTS, {"category": "METER"}).json()["results"]) == 8
    with django_assert_max_num_queries(1):
        assert len(as_admin.get(CATALOG).json()["results"]) == 1
    assert len(as_admin.get(REQUESTS, {"search": "rita"}).json()["results"]) == 8
    assert as_admin.get(REQUESTS, {"status": "CLOSED"}).json()["results"] == []
    filtered = as_admin.get(REQUESTS, {"service": meter_test["id"], "priority": "LOW"}).json()
    assert len(filtered["results"]) == 8


def test_the_same_idempotency_key_creates_one_request(as_admin, consumer, meter_test):
    body = {"consumer": consumer.pk, "service": meter_test["id"]}
    key = {"HTTP_IDEMPOTENCY_KEY": "sr-1"}
    first = as_admin.post(REQUESTS, body, format="json", **key)
    again = as_admin.post(REQUESTS, body, format="json", **key)
    assert first.json() == again.json()
    assert ServiceRequest.objects.count() == 1


def test_another_tenants_requests_and_catalog_are_404(as_admin, as_other_tenant, consumer, meter_test):
    req = as_admin.post(REQUESTS, {"consumer": consumer.pk, "service": meter_test["id"]},
                        format="json").json()
    assert as_other_tenant.get(f"{REQUESTS}{req['id']}/").status_code == 404
    assert as_other_tenant.post(f"{REQUESTS}{req['id']}/status/", {"status": "IN_PROGRESS"},
                                format="json").status_code == 404
    assert as_other_tenant.get(f"{CATALOG}{meter_test['id']}/").status_code == 404
    assert as_other_tenant.get(REQUESTS).json()["results"] == []
    assert ServiceRequest.objects.get().status == "OPEN"
