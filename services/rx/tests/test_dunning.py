"""Nightly aging and dunning (set-based, --as-of, the tenant's calendar), payment agreements."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.conftest import API, bill, send

from rx.collections import services
from rx.collections.models import Account, AgingSnapshot, DunningCase, Installment, Receivable
from rx.collections.tasks import refresh_aging, run_dunning
from smart360.django.models import JobRun
from smart360.domain.models import TenantProfile
from smart360.domain.tenants import tenant_today
from smart360.events.models import OutboxEvent
from smart360.testing.factories import OTHER_TENANT, TENANT

pytestmark = pytest.mark.django_db


def stage(client, account="ACC-1"):
    response = client.get(f"{API}dunning/", {"account": account})
    assert response.status_code == 200, response.content
    return response.json()["stage"]


def run(day: str) -> dict[str, int]:
    result: dict[str, int] = run_dunning.delay(as_of=day).get()
    return result


def events(kind: str) -> list[dict]:
    return [e.payload for e in OutboxEvent.objects.filter(type=kind).order_by("occurred_at", "id")]


def test_the_unpaid_path_reminder_final_notice_disconnection_once(admin):
    send(bill("ACC-1", "100.00"))  # issued 2026-01-31, due 2026-02-15
    assert stage(admin) is None
    assert run("2026-02-15")["opened"] == 0  # due today: not overdue yet
    assert run("2026-02-16") == {"closed": 0, "opened": 1, "reminders": 0, "final_notices": 0,
                                 "disconnections": 0}
    assert stage(admin) == "REQUIRED"
    assert run("2026-02-22")["reminders"] == 1  # 7 days past due
    assert run("2026-02-22")["reminders"] == 0  # the same night again: nothing more
    assert stage(admin) == "REMINDER_SENT"
    (reminder,) = events("rx.reminder.due")
    assert {k: reminder[k] for k in ("account_number", "stage", "balance", "overdue",
                                     "oldest_due_date", "as_of")} == {
        "account_number": "ACC-1", "stage": "REMINDER_SENT", "balance": "100.00",
        "overdue": "100.00", "oldest_due_date": "2026-02-15", "as_of": "2026-02-22"}
    assert run("2026-03-07")["final_notices"] == 0
    assert run("2026-03-08")["final_notices"] == 1  # 14 days after the reminder
    assert [e["stage"] for e in events("rx.reminder.due")] == ["REMINDER_SENT", "FINAL_NOTICE"]
    assert stage(admin) == "FINAL_NOTICE"
    assert run("2026-03-14")["disconnections"] == 0
    assert run("2026-03-15")["disconnections"] == 1  # 7 days after the final notice
    assert run("2026-03-16")["disconnections"] == 0
    assert stage(admin) == "DISCONNECTION_REQUESTED"
    (overdue,) = events("rx.account.overdue")
    assert {k: overdue[k] for k in ("account_number", "balance", "overdue", "days_overdue", "as_of")} == {
        "account_number": "ACC-1", "balance": "100.00", "overdue": "100.00", "days_overdue": 28,
        "as_of": "2026-03-15"}
    assert JobRun.objects.get(name="rx.run_dunning").last_as_of == date(2026, 3, 16)
    # paying the overdue closes dunning
    paid = admin.post(f"{API}payments/", {"account": "ACC-1", "amount": "100.00", "method": "cash"},
                      format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert paid.status_code == 201
    assert stage(admin) == "CLOSED"
    assert admin.get(f"{API}accounts/ACC-1/").json()["dunning_stage"] == "CLOSED"
    # a new overdue bill later opens a new case
    send(bill("ACC-1", "10.00", issued_on=date(2026, 4, 30)))
    assert run("2026-05-20")["opened"] == 1
    assert DunningCase.objects.count() == 2
    assert stage(admin) == "REQUIRED"  # 5 days past due
    assert run("2026-05-22")["reminders"] == 1


def test_a_partial_payment_keeps_dunning_open_and_the_job_closes_when_cleared(admin):
    send(bill("ACC-1", "100.00"), bill("ACC-2", "50.00"))
    run("2026-02-22")
    admin.post(f"{API}payments/", {"account": "ACC-1", "amount": "40.00", "method": "cash"},
               format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert stage(admin) == "REMINDER_SENT"
    Receivable.objects.filter(account_number="ACC-2").update(amount_outstanding=0)  # e.g. a void
    assert run("2026-02-23")["closed"] == 1
    assert stage(admin, "ACC-2") == "CLOSED"


def test_the_policy_days_are_the_tenants(admin):
    response = admin.put(f"{API}dunning/policy/", {"reminder_after_days": 0, "final_notice_after_days": 1,
                                                   "disconnect_after_days": 1}, format="json")
    assert response.status_code == 200, response.content
    send(bill("ACC-1", "100.00"))
    assert run("2026-02-16")["reminders"] == 1
    assert run("2026-02-17")["final_notices"] == 1
    assert run("2026-02-18")["disconnections"] == 1
    assert admin.get(f"{API}dunning/policy/").json()["disconnect_after_days"] == 1


def test_without_as_of_each_tenant_dunned_on_its_own_calendar(admin):
    TenantProfile.objects.create(tenant_id=TENANT, name="West", timezone="Etc/GMT+12")  # UTC-12
    TenantProfile.objects.create(tenant_id=OTHER_TENANT, name="East", timezone="Pacific/Kiritimati")
    due = tenant_today(TENANT)  # the western tenant's today: due, not yet overdue
    for tenant in (TENANT, OTHER_TENANT):
        send(bill("ACC-1", "10.00", issued_on=due - timedelta(days=15)), tenant=tenant)
    assert services.dunning_run(as_of=None)["opened"] == 1  # the eastern tenant is a day ahead
    assert DunningCase.objects.get().tenant_id == OTHER_TENANT


def test_an_agreement_splits_the_overdue_exactly_and_holds_dunning(admin):
    send(bill("ACC-1", "100.00"))
    run("2026-02-22")
    response = admin.post(f"{API}agreements/", {"account": "ACC-1", "installments": 3,
                                                "first_due_on": "2026-03-31"},
                          format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == "100.00"
    assert [(i["due_on"], i["amount"]) for i in body["installments"]] == [
        ("2026-03-31", "33.33"), ("2026-04-30", "33.33"), ("2026-05-31", "33.34")]
    assert stage(admin) == "AGREEMENT_CREATED"
    assert run("2026-06-30") == {"closed": 0, "opened": 0, "reminders": 0, "final_notices": 0,
                                 "disconnections": 0}
    assert stage(admin) == "AGREEMENT_CREATED"
    again = admin.post(f"{API}agreements/", {"account": "ACC-1", "installments": 2,
                                             "first_due_on": "2026-03-31"},
                       format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert again.status_code == 409
    assert again.json()["current"] == "AGREEMENT_CREATED"


@pytest.mark.parametrize(("amount", "count"), [("100.00", 7), ("0.05", 5), ("1234.57", 12)])
def test_installments_always_add_up(amount, count):
    parts = services.installments_split(Decimal(amount), count)
    assert sum(parts) == Decimal(amount)
    assert len(parts) == count
    assert max(parts) - min(parts) < Decimal("0.10")


def test_an_agreement_after_the_disconnection_request_is_a_409(admin):
    admin.put(f"{API}dunning/policy/", {"reminder_after_days": 0, "final_notice_after_days": 0,
                                        "disconnect_after_days": 0}, format="json")
    send(bill("ACC-1", "100.00"), bill("ACC-2", "5.00"))
    for day in ("2026-02-16", "2026-02-17", "2026-02-18"):
        run(day)
    assert stage(admin) == "DISCONNECTION_REQUESTED"
    response = admin.post(f"{API}agreements/", {"account": "ACC-1", "installments": 2,
                                                "first_due_on": "2026-03-31"},
                          format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 409
    problem = response.json()
    assert (problem["current"], problem["requested"], problem["allowed"]) == (
        "DISCONNECTION_REQUESTED", "AGREEMENT_CREATED", ["CLOSED"])
    nothing_due = admin.post(f"{API}agreements/", {"account": "ACC-3", "installments": 2,
                                                   "first_due_on": "2026-03-31"},
                             format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert nothing_due.status_code == 404
    send(bill("ACC-3", "5.00", issued_on=date(2026, 12, 31)))  # not overdue: no case
    no_case = admin.post(f"{API}agreements/", {"account": "ACC-3", "installments": 2,
                                               "first_due_on": "2026-03-31"},
                         format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert no_case.status_code == 409


def test_another_tenants_dunning_and_agreements_are_404(admin, other):
    send(bill("ACC-1", "100.00"))
    run("2026-02-22")
    assert other.get(f"{API}dunning/", {"account": "ACC-1"}).status_code == 404
    response = other.post(f"{API}agreements/", {"account": "ACC-1", "installments": 2,
                                                "first_due_on": "2026-03-31"},
                          format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 404
    assert other.get(f"{API}dunning/cases/").json()["results"] == []
    assert admin.get(f"{API}dunning/cases/", {"stage": "REMINDER_SENT"}).json()["results"][0][
        "account"] == "ACC-1"
    assert admin.get(f"{API}dunning/").status_code == 400  # the account is required


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def _overdue_accounts(n: int, *, start: int = 0, tenant=TENANT) -> None:
    send(*[bill(f"ACC-{i:05d}", "10.00") for i in range(start, start + n)], tenant=tenant)


def test_the_jobs_are_set_based_queries_do_not_grow_with_accounts():
    _overdue_accounts(3)
    small = [_queries(lambda d=d: services.dunning_run(as_of=date(2026, 2, d))) for d in (22, 23)]
    small_aging = _queries(lambda: services.aging_refresh(as_of=date(2026, 2, 22)))
    _overdue_accounts(150, start=3)
    _overdue_accounts(20, tenant=OTHER_TENANT)
    large = [_queries(lambda d=d: services.dunning_run(as_of=date(2026, 2, d))) for d in (24, 25)]
    large_aging = _queries(lambda: services.aging_refresh(as_of=date(2026, 2, 24)))
    assert DunningCase.objects.filter(stage="REMINDER_SENT").count() == 173
    assert large[0] <= small[0] + 2  # one COPY per tenant with events
    assert large_aging == small_aging


def test_the_aging_job_snapshots_accounts_and_tenants(admin):
    send(bill("ACC-1", "10.00", issued_on=date(2026, 1, 31)),  # due 02-15
         bill("ACC-2", "20.00", issued_on=date(2026, 3, 31)),  # due 04-15
         bill("ACC-3", "30.00", issued_on=date(2026, 5, 31)))  # due 06-15
    assert refresh_aging.delay(as_of="2026-05-25").get() == {"accounts": 3, "receivables": 2, "tenants": 1}
    assert refresh_aging.delay(as_of="2026-05-25").get() == {"accounts": 0, "receivables": 0, "tenants": 1}
    risks = dict(Account.objects.values_list("number", "risk"))
    assert risks == {"ACC-1": "CRITICAL", "ACC-2": "MEDIUM", "ACC-3": "LOW"}
    acc1 = Account.objects.get(number="ACC-1")
    assert (acc1.overdue, acc1.aging_90_plus, acc1.oldest_due_on) == (Decimal("10.00"), Decimal("10.00"),
                                                                       date(2026, 2, 15))
    snap = AgingSnapshot.objects.get()
    assert (snap.as_of, snap.accounts, snap.balance, snap.overdue, snap.current, snap.d31_60,
            snap.d90_plus, snap.low, snap.medium, snap.critical) == (
        date(2026, 5, 25), 3, Decimal("60.00"), Decimal("30.00"), Decimal("30.00"), Decimal("20.00"),
        Decimal("10.00"), 1, 1, 1)
    listed = admin.get(f"{API}accounts/", {"risk": "CRITICAL"}).json()["results"]
    assert [a["number"] for a in listed] == ["ACC-1"]
    assert admin.get(f"{API}aging/snapshots/").json()["results"][0]["critical"] == 1
    assert Installment.objects.count() == 0
