"""Accounts after activation: disconnection, reconnection and transfer through wx work orders,
rx's overdue accounts, the consumer following its accounts, and every illegal move a 409."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from cx_testkit import completed, feed, published

from cx.consumers.models import Account, ConnectionRequest, Consumer
from smart360.contracts.rx import AccountOverdue
from smart360.events.models import OutboxEvent
from smart360.testing.factories import OTHER_TENANT

pytestmark = pytest.mark.django_db
APPS = "/cx/api/v1/applications/"
ACCOUNTS = "/cx/api/v1/accounts/"


@pytest.fixture
def connect(as_admin, application_body):
    """Take an application through the workflow; returns the account number."""
    def run(name="Rita Lopes", **changes) -> str:
        app = as_admin.post(APPS, {**application_body, "applicant": {"name": name}, **changes},
                            format="json").json()
        as_admin.post(f"{APPS}{app['id']}/decision/", {"decision": "approve"}, format="json")
        feed(completed(app["number"], "SITE_INSPECTION"))
        as_admin.post(f"{APPS}{app['id']}/decision/", {"decision": "approve"}, format="json")
        feed(completed(app["number"], "INSTALLATION", meter_serial=f"M-{app['id']}",
                       initial_reading=Decimal("0")))
        return Account.objects.get(application__pk=app["id"]).number
    return run


def ask(client, account, what, **body):
    body.setdefault("reason", "asked")
    return client.post(f"{ACCOUNTS}{account}/{what}/", body, format="json")


def finish(request_number: str, kind: str, outcome: str = "pass", **extra):
    feed(completed(request_number, kind, outcome=outcome, **extra))


def test_a_disconnection_goes_through_a_work_order_and_back(as_admin, connect):
    account = connect()
    response = ask(as_admin, account, "disconnection", reason="customer away for winter")
    assert response.status_code == 201, response.json()
    req = response.json()
    assert (req["kind"], req["status"], req["account"]) == ("DISCONNECTION", "REQUESTED", account)
    assert req["number"].startswith("SR-")
    work = published("cx.workorder.requested")[-1]
    assert (work["kind"], work["request_key"], work["source"], work["account_number"]) == (
        "DISCONNECTION", f"{req['number']}:DISCONNECTION", req["number"], account)
    assert work["meter_serial"].startswith("M-")
    assert Account.objects.get(number=account).status == "CONNECTED"  # not until the work is done

    finish(req["number"], "DISCONNECTION", completed_at="2026-11-05T10:00:00+00:00")
    row = Account.objects.select_related("consumer").get(number=account)
    assert (row.status, row.consumer.status) == ("TEMPORARILY_DISCONNECTED", "TEMPORARILY_DISCONNECTED")
    changed = published("cx.connection.changed")[-1]
    assert changed == {"account_number": account, "status": "TEMPORARILY_DISCONNECTED",
                       "consumer_id": row.consumer_id, "previous_consumer_id": None,
                       "reason": "customer away for winter", "at": "2026-11-05T10:00:00Z"}
    assert as_admin.get(f"/cx/api/v1/connection-requests/{req['id']}/").json()["status"] == "COMPLETED"

    reconnect = ask(as_admin, account, "reconnection", reason="back home").json()
    finish(reconnect["number"], "RECONNECTION")
    row.refresh_from_db()
    row.consumer.refresh_from_db()
    assert (row.status, row.consumer.status) == ("CONNECTED", "CONNECTED")
    assert published("cx.connection.changed")[-1]["status"] == "CONNECTED"


def test_a_failed_work_order_changes_nothing_but_the_request(as_admin, connect):
    account = connect()
    req = ask(as_admin, account, "disconnection").json()
    finish(req["number"], "DISCONNECTION", outcome="fail", notes="dog in the yard")
    assert Account.objects.get(number=account).status == "CONNECTED"
    assert ConnectionRequest.objects.get().outcome_notes == "dog in the yard"
    assert not published("cx.connection.changed")
    assert ask(as_admin, account, "disconnection").status_code == 201  # may be asked again


def test_a_permanent_disconnection_then_archiving(as_admin, connect):
    account = connect()
    req = ask(as_admin, account, "disconnection", permanent=True, reason="moving out").json()
    finish(req["number"], "DISCONNECTION")
    row = Account.objects.select_related("consumer").get(number=account)
    assert (row.status, row.consumer.status) == ("PERMANENTLY_DISCONNECTED", "PERMANENTLY_DISCONNECTED")
    archived = as_admin.post(f"/cx/api/v1/consumers/{row.consumer_id}/archive/")
    assert archived.status_code == 200
    assert archived.json()["status"] == "ARCHIVED"
    row.refresh_from_db()
    assert row.status == "ARCHIVED"
    assert published("cx.connection.changed")[-1]["status"] == "ARCHIVED"


@pytest.mark.parametrize(("status", "what", "body", "allowed"), [
    ("TEMPORARILY_DISCONNECTED", "disconnection", {}, ["CONNECTED"]),
    ("TEMPORARILY_DISCONNECTED", "disconnection", {"permanent": True}, ["CONNECTED"]),
    ("CONNECTED", "reconnection", {}, ["TEMPORARILY_DISCONNECTED", "PERMANENTLY_DISCONNECTED"]),
    ("PERMANENTLY_DISCONNECTED", "reconnection", {}, ["ARCHIVED"]),
    ("ARCHIVED", "disconnection", {}, []),
    ("TEMPORARILY_DISCONNECTED", "transfer", {}, ["CONNECTED"]),
])
def test_each_illegal_account_move_is_a_409_naming_the_allowed_ones(
        as_admin, connect, status, what, body, allowed):
    account = connect()
    newcomer = Consumer.objects.create(tenant_id=Account.objects.get().tenant_id, number="N-1", name="N")
    Account.objects.filter(number=account).update(status=status)
    before = OutboxEvent.objects.count()
    response = ask(as_admin, account, what, consumer=newcomer.pk, **body)
    assert response.status_code == 409, response.json()
    problem = response.json()
    assert (problem["current"], problem["allowed"]) == (status, allowed)
    assert status in problem["detail"]
    assert OutboxEvent.objects.count() == before
    assert not ConnectionRequest.objects.exists()


def test_one_change_at_a_time_per_account(as_admin, connect):
    account = connect()
    first = ask(as_admin, account, "disconnection").json()
    second = ask(as_admin, account, "disconnection")
    assert second.status_code == 409
    assert second.json()["request"] == first["number"]


def test_archiving_a_connected_consumer_is_a_409(as_admin, connect):
    account = connect()
    consumer = Account.objects.get(number=account).consumer
    response = as_admin.post(f"/cx/api/v1/consumers/{consumer.pk}/archive/")
    assert response.status_code == 409
    assert response.json()["allowed"] == ["TEMPORARILY_DISCONNECTED", "PERMANENTLY_DISCONNECTED"]


def test_a_transfer_moves_the_account_to_its_new_holder(as_admin, connect):
    account = connect()
    old = Account.objects.get(number=account).consumer
    new = as_admin.post("/cx/api/v1/consumers/", {"name": "Sam New", "email": "sam@example.com"},
                        format="json").json()
    req = ask(as_admin, account, "transfer", consumer=new["id"], reason="house sold")
    assert req.status_code == 201, req.json()
    assert published("cx.workorder.requested")[-1]["kind"] == "TRANSFER"
    finish(req.json()["number"], "TRANSFER")
    row = Account.objects.select_related("consumer").get(number=account)
    assert (row.consumer_id, row.consumer.status, row.status) == (new["id"], "CONNECTED", "CONNECTED")
    old.refresh_from_db()
    assert old.status == "PERMANENTLY_DISCONNECTED"
    changed = published("cx.connection.changed")[-1]
    assert (changed["consumer_id"], changed["previous_consumer_id"], changed["status"]) == (
        new["id"], old.pk, "CONNECTED")
    assert [a["number"] for a in as_admin.get(f"/cx/api/v1/consumers/{new['id']}/").json()["accounts"]] == [
        account]


def test_a_transfer_needs_another_known_consumer(as_admin, connect):
    account = connect()
    holder = Account.objects.get(number=account).consumer_id
    assert ask(as_admin, account, "transfer", consumer=holder).status_code == 400
    assert ask(as_admin, account, "transfer", consumer=987654).status_code == 404


def test_an_overdue_account_gets_one_disconnection_work_order(as_admin, connect, tenant):
    account = connect()
    overdue = AccountOverdue(account_number=account, balance=Decimal("230.00"), overdue=Decimal("115.00"),
                             days_overdue=75, as_of=date(2026, 12, 1))
    feed(overdue)
    feed(overdue)  # rx sent it again under a new event id: still one
    [req] = ConnectionRequest.objects.all()
    assert (req.kind, req.origin, req.request_key) == (
        "DISCONNECTION", "COLLECTIONS", f"{account}:DISCONNECTION:2026-12-01")
    work = published("cx.workorder.requested")[-1]
    assert work["request_key"] == f"{account}:DISCONNECTION:2026-12-01"
    assert "115.00 overdue for 75 days" in work["description"]
    # unknown or another tenant's accounts: nothing, and no dead letter
    feed(AccountOverdue(account_number="ACC-NOPE", balance=Decimal(1), overdue=Decimal(1),
                        days_overdue=40, as_of=date(2026, 12, 1)))
    feed(overdue, tenant_id=OTHER_TENANT)
    assert ConnectionRequest.objects.count() == 1
    finish(req.number, "DISCONNECTION", request_key=req.request_key)
    assert Account.objects.get(number=account).status == "TEMPORARILY_DISCONNECTED"


def test_a_disconnected_account_is_not_disconnected_again_for_being_overdue(connect):
    account = connect()
    Account.objects.filter(number=account).update(status="TEMPORARILY_DISCONNECTED")
    feed(AccountOverdue(account_number=account, balance=Decimal(1), overdue=Decimal(1), days_overdue=40,
                        as_of=date(2026, 12, 2)))
    assert not ConnectionRequest.objects.exists()


def test_a_consumer_with_two_accounts_stays_connected_while_one_is(as_admin, connect):
    first = connect()
    consumer = Account.objects.get(number=first).consumer
    second = connect("Rita Lopes", utility_service=12, category=33, plan=42)
    Account.objects.filter(number=second).update(consumer=consumer)
    req = ask(as_admin, first, "disconnection").json()
    finish(req["number"], "DISCONNECTION")
    consumer.refresh_from_db()
    assert consumer.status == "CONNECTED"


def test_the_same_idempotency_key_asks_once(as_admin, connect):
    account = connect()
    key = {"HTTP_IDEMPOTENCY_KEY": "disc-1"}
    first = as_admin.post(f"{ACCOUNTS}{account}/disconnection/", {"reason": "r"}, format="json", **key)
    again = as_admin.post(f"{ACCOUNTS}{account}/disconnection/", {"reason": "r"}, format="json", **key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert ConnectionRequest.objects.count() == 1


def test_another_tenants_accounts_are_404(as_admin, as_other_tenant, connect):
    account = connect()
    assert as_other_tenant.get(f"{ACCOUNTS}{account}/").status_code == 404
    assert ask(as_other_tenant, account, "disconnection").status_code == 404
    assert as_other_tenant.get(ACCOUNTS).json()["results"] == []
    consumer = Account.objects.get(number=account).consumer_id
    assert as_other_tenant.get(f"/cx/api/v1/consumers/{consumer}/").status_code == 404
    assert as_other_tenant.patch(f"/cx/api/v1/consumers/{consumer}/", {"name": "X"},
                                 format="json").status_code == 404


def test_account_lists_search_filter_and_do_not_query_per_row(as_admin, connect,
                                                             django_assert_max_num_queries):
    numbers = [connect(f"Person {i}") for i in range(6)]
    water = connect("Wet Person", utility_service=12, category=33, plan=42)
    with django_assert_max_num_queries(1):
        assert len(as_admin.get(ACCOUNTS).json()["results"]) == 7
    assert [a["number"] for a in as_admin.get(ACCOUNTS, {"utility_service": 12}).json()["results"]] == [water]
    assert [a["number"] for a in as_admin.get(ACCOUNTS, {"search": numbers[2]}).json()["results"]] == [
        numbers[2]]
    assert len(as_admin.get(ACCOUNTS, {"search": "person"}).json()["results"]) == 7
    ask(as_admin, numbers[0], "disconnection")
    with django_assert_max_num_queries(1):
        listed = as_admin.get("/cx/api/v1/connection-requests/", {"kind": "DISCONNECTION"}).json()
    assert [r["account"] for r in listed["results"]] == [numbers[0]]


def test_the_consumer_detail_answers_status_and_accounts_in_two_queries(
        as_admin, connect, django_assert_max_num_queries):
    account = connect()
    consumer = Account.objects.get(number=account).consumer_id
    with django_assert_max_num_queries(2):
        body = as_admin.get(f"/cx/api/v1/consumers/{consumer}/").json()
    assert body["status"] == "CONNECTED"
    assert [a["number"] for a in body["accounts"]] == [account]


def test_changing_contact_details_publishes_consumer_updated(as_admin):
    consumer = as_admin.post("/cx/api/v1/consumers/", {"name": "Ana"}, format="json").json()
    response = as_admin.patch(f"/cx/api/v1/consumers/{consumer['id']}/",
                              {"email": "ana@example.com", "locale": "pt"}, format="json")
    assert response.status_code == 200
    assert (response.json()["email"], response.json()["locale"]) == ("ana@example.com", "pt")
    [updated] = published("cx.consumer.updated")
    assert (updated["email"], updated["locale"], updated["name"]) == ("ana@example.com", "pt", "Ana")
    as_admin.patch(f"/cx/api/v1/consumers/{consumer['id']}/", {"name": "Ana"}, format="json")
    assert len(published("cx.consumer.updated")) == 1  # nothing changed, nothing said
    assert as_admin.patch(f"/cx/api/v1/consumers/{consumer['id']}/", {"email": "x"},
                          format="json").status_code == 400
