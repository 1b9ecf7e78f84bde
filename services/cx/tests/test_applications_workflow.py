"""The new-connection workflow at the service level: submit → decide → wx's completions (fed as
events) → CONNECTED with a numbered account and `cx.connection.activated`."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from cx_testkit import completed, feed, published
from django.db import connection

from cx.applications.models import Application
from cx.consumers.models import Account, Consumer
from cx.setup.models import Plan
from smart360.contracts.onboarding import IdFormatChanged, OrganizationCreated, PlanCreated
from smart360.events.models import InboxEvent, OutboxEvent
from smart360.testing.factories import OTHER_TENANT, TENANT

pytestmark = pytest.mark.django_db
URL = "/cx/api/v1/applications/"


def submit(client, body) -> dict:
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def decide(client, app_id, decision="approve", reason="ok"):
    return client.post(f"{URL}{app_id}/decision/", {"decision": decision, "reason": reason},
                       format="json")


def test_an_application_goes_from_review_to_a_connected_account(as_admin, application_body):
    app = submit(as_admin, application_body)
    assert app["number"].startswith("APP-")
    assert len(app["number"]) == len("APP-20261031-001")
    assert (app["stage"], app["status"]) == ("APPLICATION_REVIEW", "AWAITING_DECISION")
    assert app["applicant"] == application_body["applicant"]
    consumer = Consumer.objects.get(pk=app["consumer"])
    assert consumer.status == "CREATED"
    assert consumer.name == "Rita Lopes"
    assert [e["consumer_id"] for e in published("cx.consumer.created")] == [consumer.pk]

    # review → site inspection: wx is asked for the work order
    body = decide(as_admin, app["id"], reason="documents ok").json()
    assert body["stage"] == "SITE_INSPECTION"
    [inspection] = published("cx.workorder.requested")
    assert inspection == {
        "request_key": f"{app['number']}:SITE_INSPECTION", "kind": "SITE_INSPECTION",
        "source": app["number"], "area_id": 23, "address": "2 Hill Lane", "priority": "MEDIUM",
        "description": f"Site inspection for new connection {app['number']}",
        "consumer_id": consumer.pk, "account_number": None, "meter_serial": None, "due_at": None}

    feed(completed(app["number"], "SITE_INSPECTION", notes="site fine"))
    assert as_admin.get(f"{URL}{app['id']}/").json()["stage"] == "APPROVAL"

    # approval → installation: the consumer is APPROVED, wx is asked to install
    assert decide(as_admin, app["id"], reason="site ok").json()["stage"] == "INSTALLATION"
    consumer.refresh_from_db()
    assert consumer.status == "APPROVED"
    installation = published("cx.workorder.requested")[-1]
    assert (installation["kind"], installation["request_key"]) == (
        "INSTALLATION", f"{app['number']}:INSTALLATION")

    feed(completed(app["number"], "INSTALLATION", meter_serial="MTR-1", initial_reading=Decimal("12.5"),
                   completed_at="2026-10-31T08:00:00+00:00"))
    done = as_admin.get(f"{URL}{app['id']}/").json()
    assert (done["stage"], done["status"]) == ("FOLLOW_UP", "CONNECTED")
    assert done["account_number"].startswith("ACC-")
    assert [s["stage"] for s in done["steps"]] == [
        "APPLICATION_REVIEW", "SITE_INSPECTION", "APPROVAL", "INSTALLATION", "ACTIVATION", "FOLLOW_UP"]

    holder = as_admin.get(f"/cx/api/v1/consumers/{done['consumer']}/").json()
    assert holder["status"] == "CONNECTED"
    [account] = holder["accounts"]
    assert account["number"] == done["account_number"]
    assert (account["status"], account["meter_serial"], account["initial_reading"]) == (
        "CONNECTED", "MTR-1", "12.500")
    assert account["connected_at"] == "2026-10-31T08:00:00Z"

    [activated] = published("cx.connection.activated")
    assert activated == {
        "account_id": account["id"], "account_number": done["account_number"],
        "consumer_id": consumer.pk, "consumer_number": consumer.number, "name": "Rita Lopes",
        "email": "rita@example.com", "phone": "+15550101", "locale": "en", "utility_service_id": 11,
        "category_id": 31, "plan_id": 41, "area_id": 23, "premise": "2 Hill Lane",
        "meter_serial": "MTR-1", "initial_reading": "12.500",
        "connected_at": "2026-10-31T08:00:00Z"}


def test_numbers_follow_the_tenants_id_formats(as_admin, application_body):
    feed(OrganizationCreated(organization_id=TENANT, name="Water Co", currency="USD",
                             timezone="Pacific/Auckland", created_by=TENANT), tenant_id=TENANT)
    feed(IdFormatChanged(entity="application", prefix="WA-APP", date_part="YYYY", padding=5),
         IdFormatChanged(entity="account", prefix="WA-ACC", date_part="", padding=6))
    app = submit(as_admin, application_body)
    assert app["number"].startswith("WA-APP-20")
    assert app["number"].endswith("-00001")
    decide(as_admin, app["id"])
    feed(completed(app["number"], "SITE_INSPECTION"))
    decide(as_admin, app["id"])
    feed(completed(app["number"], "INSTALLATION", meter_serial="M-2", initial_reading=Decimal("0")))
    assert Account.objects.get().number == "WA-ACC-000001"


def test_a_failed_site_inspection_rejects_the_application_with_its_notes(as_admin, application_body):
    app = submit(as_admin, application_body)
    decide(as_admin, app["id"])
    feed(completed(app["number"], "SITE_INSPECTION", outcome="fail", notes="no access to the meter box"))
    body = as_admin.get(f"{URL}{app['id']}/").json()
    assert (body["stage"], body["status"]) == ("REJECTED", "REJECTED")
    assert body["rejection_reason"] == "Site inspection failed: no access to the meter box"
    assert not published("cx.connection.activated")


@pytest.mark.parametrize("stage_reached", ["APPLICATION_REVIEW", "APPROVAL"])
def test_rejection_is_allowed_at_the_review_stages(as_admin, application_body, stage_reached):
    app = submit(as_admin, application_body)
    if stage_reached == "APPROVAL":
        decide(as_admin, app["id"])
        feed(completed(app["number"], "SITE_INSPECTION"))
    requested = len(published("cx.workorder.requested"))
    response = decide(as_admin, app["id"], "reject", "incomplete documents")
    assert response.status_code == 200
    assert (response.json()["stage"], response.json()["rejection_reason"]) == (
        "REJECTED", "incomplete documents")
    assert len(published("cx.workorder.requested")) == requested  # no work for a rejection


def test_a_rejection_needs_a_reason(as_admin, application_body):
    app = submit(as_admin, application_body)
    response = decide(as_admin, app["id"], "reject", " ")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "reason"
    assert Application.objects.get().stage == "APPLICATION_REVIEW"


@pytest.mark.parametrize(("stage", "allowed"), [
    ("SITE_INSPECTION", ["APPROVAL", "REJECTED"]),
    ("INSTALLATION", ["ACTIVATION"]),
    ("FOLLOW_UP", []),
    ("REJECTED", []),
])
def test_a_decision_outside_the_review_stages_is_a_409_naming_the_allowed_moves(
        as_admin, application_body, stage, allowed):
    app = submit(as_admin, application_body)
    Application.objects.filter(pk=app["id"]).update(stage=stage)
    before = OutboxEvent.objects.count()
    for decision in ("approve", "reject"):
        response = decide(as_admin, app["id"], decision, "why not")
        assert response.status_code == 409
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert (body["code"], body["current"], body["requested"], body["allowed"]) == (
            "illegal_transition", stage, decision, allowed)
        assert stage in body["detail"]
    assert Application.objects.get().stage == stage
    assert OutboxEvent.objects.count() == before  # nothing published


def test_a_redelivered_completion_is_handled_once(as_admin, application_body):
    app = submit(as_admin, application_body)
    decide(as_admin, app["id"])
    feed(completed(app["number"], "SITE_INSPECTION"))
    decide(as_admin, app["id"])
    done = completed(app["number"], "INSTALLATION", meter_serial="M-9", initial_reading=Decimal("3"))
    first = feed(done, event_id="6a0f2a43-7e35-4c39-9d2c-7b9a1f0e0001")
    again = feed(done, event_id="6a0f2a43-7e35-4c39-9d2c-7b9a1f0e0001")
    assert (first["handled"], again["duplicates"]) == (1, 1)
    # the same completion under a new event id (wx published it twice) changes nothing either
    feed(done)
    assert Account.objects.count() == 1
    assert len(published("cx.connection.activated")) == 1
    assert InboxEvent.objects.filter(type="wx.workorder.completed", status="handled").count() == 3


def test_a_failed_installation_asks_for_another_one(as_admin, application_body):
    app = submit(as_admin, application_body)
    decide(as_admin, app["id"])
    feed(completed(app["number"], "SITE_INSPECTION"))
    decide(as_admin, app["id"])
    feed(completed(app["number"], "INSTALLATION", outcome="fail", notes="wrong meter socket"))
    retry = published("cx.workorder.requested")[-1]
    assert retry["request_key"] == f"{app['number']}:INSTALLATION:2"
    assert "wrong meter socket" in retry["description"]
    assert Application.objects.get().stage == "INSTALLATION"
    # the first attempt's key is stale now; the second one connects
    feed(completed(app["number"], "INSTALLATION", meter_serial="M-1", initial_reading=Decimal("1")))
    assert Application.objects.get().stage == "INSTALLATION"
    feed(completed(app["number"], "INSTALLATION", request_key=f"{app['number']}:INSTALLATION:2",
                   meter_serial="M-1", initial_reading=Decimal("1")))
    assert Application.objects.get().stage == "FOLLOW_UP"


def test_a_metered_installation_without_a_meter_serial_is_done_again(as_admin, application_body):
    app = submit(as_admin, application_body)
    decide(as_admin, app["id"])
    feed(completed(app["number"], "SITE_INSPECTION"))
    decide(as_admin, app["id"])
    feed(completed(app["number"], "INSTALLATION"))
    assert published("cx.workorder.requested")[-1]["request_key"].endswith(":INSTALLATION:2")
    assert not Account.objects.exists()


def test_an_unmetered_service_connects_without_a_meter(as_admin, application_body):
    app = submit(as_admin, {**application_body, "utility_service": 13, "category": 34, "plan": 43})
    decide(as_admin, app["id"])
    feed(completed(app["number"], "SITE_INSPECTION"))
    decide(as_admin, app["id"])
    feed(completed(app["number"], "INSTALLATION"))
    [activated] = published("cx.connection.activated")
    assert (activated["meter_serial"], activated["initial_reading"]) == ("", "0.000")


def test_completions_cx_did_not_ask_for_change_nothing(as_admin, application_body):
    app = submit(as_admin, application_body)
    feed(completed(app["number"], "SITE_INSPECTION"))  # not requested yet (still in review)
    feed(completed("APP-19990101-001", "SITE_INSPECTION"))  # no such application
    feed(completed(app["number"], "PREVENTIVE"))  # ax's work, not cx's
    feed(completed(app["number"], "SITE_INSPECTION"), tenant_id=OTHER_TENANT)  # another tenant
    assert Application.objects.get().stage == "APPLICATION_REVIEW"
    assert not InboxEvent.objects.filter(status="dead").exists()


def test_another_tenants_application_is_a_404(as_admin, as_other_tenant, application_body):
    app = submit(as_admin, application_body)
    assert as_other_tenant.get(f"{URL}{app['id']}/").status_code == 404
    response = decide(as_other_tenant, app["id"])
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert as_other_tenant.get(URL).json()["results"] == []
    assert Application.objects.get().stage == "APPLICATION_REVIEW"


def test_no_application_before_areas_and_a_plan(as_admin):
    body = {"applicant": {"name": "A"}, "address": "x", "area": 23, "utility_service": 11,
            "category": 31, "plan": 41}
    response = as_admin.post(URL, body, format="json")
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "setup_incomplete"
    assert problem["missing"] == ["service areas", "a plan"]
    assert "areas and a plan" in problem["detail"]
    assert not Consumer.objects.exists()
    assert not OutboxEvent.objects.exists()


@pytest.mark.parametrize(("field", "value", "code"), [
    ("area", 999, "unknown_area"), ("plan", 999, "unknown_plan"),
    ("utility_service", 999, "unknown_utility_service"), ("category", 999, "unknown_category"),
])
def test_an_unknown_reference_is_a_404(as_admin, application_body, field, value, code):
    response = as_admin.post(URL, {**application_body, field: value}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == code
    assert not Application.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_application_waits_briefly_for_a_plan_configured_a_moment_ago(as_admin, settings,
                                                                        application_body):
    """onboarding's plan.created is on its way when the application arrives (the flow does just
    that): a known organization's application waits for it, up to CX_SETUP_WAIT_SECONDS."""
    feed(OrganizationCreated(organization_id=TENANT, name="Co", currency="USD", timezone="UTC",
                             created_by=TENANT))
    Plan.objects.filter(tenant_id=TENANT, onboarding_id=41).delete()
    settings.CX_SETUP_WAIT_SECONDS = 10

    def onboarding_publishes_the_plan() -> None:
        time.sleep(0.5)
        feed(PlanCreated(plan_id=41, name="Residential", utility_service_id=11, category_id=31))
        connection.close()

    late = threading.Thread(target=onboarding_publishes_the_plan)
    started = time.monotonic()
    late.start()
    response = as_admin.post(URL, application_body, format="json")
    late.join()
    assert response.status_code == 201, response.json()
    assert 0.4 < time.monotonic() - started < 10

    settings.CX_SETUP_WAIT_SECONDS = 0.3
    started = time.monotonic()
    assert as_admin.post(URL, {**application_body, "plan": 999}, format="json").status_code == 404
    assert time.monotonic() - started >= 0.3


def test_another_tenants_configuration_is_unknown_here(as_other_tenant, application_body):
    response = as_other_tenant.post(URL, application_body, format="json")
    assert response.status_code == 409  # the other tenant has configured nothing


@pytest.mark.parametrize(("changes", "field"), [
    ({"plan": 42}, "plan"),  # a water plan for electricity
    ({"category": 33}, "category"),  # a water category
])
def test_mismatched_plan_category_and_service_are_a_400(as_admin, application_body, changes, field):
    response = as_admin.post(URL, {**application_body, **changes}, format="json")
    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]]


def test_a_subcategory_takes_its_parents_plan(as_admin, application_body):
    assert as_admin.post(URL, {**application_body, "category": 32}, format="json").status_code == 201


@pytest.mark.parametrize(("body", "field"), [
    ({"applicant": {"email": "a@b.co"}}, "applicant.name"),
    ({"applicant": {"name": "A", "email": "nope"}}, "applicant.email"),
    ({"applicant": "Rita"}, "applicant"),
    ({"area": "23"}, "area"),
    ({"plan": 0}, "plan"),
    ({"address": ""}, "address"),
])
def test_bad_input_is_a_400(as_admin, application_body, body, field):
    response = as_admin.post(URL, {**application_body, **body}, format="json")
    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]], response.json()


def test_the_same_idempotency_key_submits_once(as_admin, application_body):
    key = {"HTTP_IDEMPOTENCY_KEY": "apply-rita-1"}
    first = as_admin.post(URL, application_body, format="json", **key)
    again = as_admin.post(URL, application_body, format="json", **key)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Application.objects.count() == Consumer.objects.count() == 1
    other = as_admin.post(URL, {**application_body, "address": "3 Hill Lane"}, format="json", **key)
    assert other.status_code == 422


def test_a_repeated_decision_with_its_key_answers_the_first_one(as_admin, application_body):
    app = submit(as_admin, application_body)
    key = {"HTTP_IDEMPOTENCY_KEY": "decide-1"}
    body = {"decision": "approve", "reason": "ok"}
    first = as_admin.post(f"{URL}{app['id']}/decision/", body, format="json", **key)
    again = as_admin.post(f"{URL}{app['id']}/decision/", body, format="json", **key)
    assert first.status_code == again.status_code == 200
    assert len(published("cx.workorder.requested")) == 1


def test_the_list_searches_filters_and_does_not_query_per_row(
        as_admin, application_body, django_assert_max_num_queries):
    apps = [submit(as_admin, {**application_body, "applicant": {"name": f"Person {i}"}}) for i in range(12)]
    decide(as_admin, apps[0]["id"])
    decide(as_admin, apps[1]["id"], "reject", "no")
    with django_assert_max_num_queries(1):
        page = as_admin.get(URL).json()
    assert len(page["results"]) == 12
    assert [a["number"] for a in as_admin.get(URL, {"stage": "SITE_INSPECTION"}).json()["results"]] == [
        apps[0]["number"]]
    assert len(as_admin.get(URL, {"status": "AWAITING_DECISION"}).json()["results"]) == 10
    assert [a["id"] for a in as_admin.get(URL, {"search": "person 11"}).json()["results"]] == [
        apps[11]["id"]]
    assert [a["id"] for a in as_admin.get(URL, {"search": apps[3]["number"]}).json()["results"]] == [
        apps[3]["id"]]
    assert as_admin.get(URL, {"status": "BOGUS"}).status_code == 400


def test_the_detail_costs_three_queries(as_admin, application_body, django_assert_max_num_queries):
    app = submit(as_admin, application_body)
    with django_assert_max_num_queries(3):
        assert as_admin.get(f"{URL}{app['id']}/").status_code == 200
