"""The ledger: accounts from cx, bills and voids from bx (batched, idempotent), balances, aging."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.conftest import API, bill, connection, send, void

from rx.collections.models import Account, LedgerEntry, Receivable
from smart360.testing.factories import OTHER_TENANT, TENANT

pytestmark = pytest.mark.django_db


def account(client, number, **params):
    response = client.get(f"{API}accounts/{number}/", params)
    assert response.status_code == 200, response.content
    return response.json()


def entries(client, number):
    response = client.get(f"{API}accounts/{number}/ledger/")
    assert response.status_code == 200, response.content
    return [(e["kind"], e["amount"], e["balance_after"], e["reference"]) for e in response.json()["results"]]


def test_an_account_opens_at_zero_with_its_contact(admin):
    send(connection("ACC-1"))
    found = account(admin, "ACC-1")
    assert (found["balance"], found["overdue"], found["risk"]) == ("0.00", "0.00", "LOW")
    assert found["aging"] == {"current": "0.00", "d31_60": "0.00", "d61_90": "0.00", "d90_plus": "0.00"}
    row = Account.objects.get(number="ACC-1")
    assert (row.name, row.email) == ("Consumer 1", "c1@example.com")


def test_bills_are_debits_with_running_balances(admin):
    send(connection("ACC-1"))
    b1, b2 = bill("ACC-1", "115.00"), bill("ACC-1", "40.50", issued_on=date(2026, 2, 28))
    send(b1, b2)
    assert entries(admin, "ACC-1") == [("BILL", "115.00", "115.00", b1.number),
                                       ("BILL", "40.50", "155.50", b2.number)]
    assert account(admin, "ACC-1")["balance"] == "155.50"


def test_a_redelivered_bill_is_posted_once(admin):
    b = bill("ACC-1", "115.00")
    send(b)
    send(b)  # the same event again: the inbox drops it
    send(bill("ACC-1", "115.00", number=b.number))  # another event for the same bill number
    assert Receivable.objects.count() == 1
    assert entries(admin, "ACC-1") == [("BILL", "115.00", "115.00", b.number)]


def test_a_bill_before_the_connection_event_still_opens_the_account(admin):
    send(bill("ACC-9", "10.00"))
    send(connection("ACC-9", 9))
    found = account(admin, "ACC-9")
    assert (found["balance"], found["name"]) == ("10.00", "Consumer 9")


def test_a_batch_of_bills_is_a_constant_number_of_queries(django_assert_max_num_queries):
    small = [bill(f"ACC-{i}", "10.00") for i in range(3)]
    with django_assert_max_num_queries(40) as few:
        send(*small)
    large = [bill(f"ACC-{i}", "10.00") for i in range(200)]
    with django_assert_max_num_queries(len(few.captured_queries)):
        send(*large)
    assert LedgerEntry.objects.count() == 203


def test_a_void_credits_the_bill_and_a_paid_part_becomes_credit(admin):
    b1, b2 = bill("ACC-1", "100.00"), bill("ACC-1", "30.00", issued_on=date(2026, 2, 28))
    send(b1, b2)
    Receivable.objects.filter(bill_ref=b1.number).update(amount_outstanding=Decimal("60.00"))
    Account.objects.filter(number="ACC-1").update(balance=Decimal("90.00"))  # 40 paid on b1
    send(void(b1))
    send(void(b1))  # redelivered: nothing more
    assert entries(admin, "ACC-1")[-1] == ("CREDIT", "-100.00", "-10.00", b1.number)
    # the 40 paid on the voided bill pays b2 (30) and 10 stays as credit
    assert Receivable.objects.get(bill_ref=b2.number).amount_outstanding == 0
    row = Account.objects.get(number="ACC-1")
    assert (row.balance, row.credit) == (Decimal("-10.00"), Decimal("10.00"))
    # a new bill takes the credit first
    b3 = bill("ACC-1", "25.00", issued_on=date(2026, 3, 31))
    send(b3)
    assert Receivable.objects.get(bill_ref=b3.number).amount_outstanding == Decimal("15.00")
    assert account(admin, "ACC-1")["balance"] == "15.00"


@pytest.mark.parametrize(("as_of", "risk", "bucket"), [
    ("2026-02-15", "LOW", "current"),  # due today
    ("2026-03-17", "LOW", "current"),  # 30 days past due
    ("2026-03-18", "MEDIUM", "d31_60"),
    ("2026-04-16", "MEDIUM", "d31_60"),  # 60
    ("2026-04-17", "HIGH", "d61_90"),
    ("2026-05-16", "HIGH", "d61_90"),  # 90
    ("2026-05-17", "CRITICAL", "d90_plus"),
])
def test_risk_and_aging_follow_the_oldest_unpaid_due_date(admin, as_of, risk, bucket):
    send(bill("ACC-1", "115.00"))  # due 2026-02-15
    found = account(admin, "ACC-1", as_of=as_of)
    assert found["risk"] == risk
    assert found["aging"][bucket] == "115.00"
    assert found["overdue"] == ("0.00" if as_of == "2026-02-15" else "115.00")
    assert found["oldest_due_date"] == "2026-02-15"


def test_aging_spreads_the_unpaid_bills_over_the_buckets(admin):
    send(bill("ACC-1", "10.00", issued_on=date(2026, 1, 31)),  # due 02-15: 99 days on 05-25
         bill("ACC-1", "20.00", issued_on=date(2026, 3, 31)),  # due 04-15: 40 days
         bill("ACC-1", "30.00", issued_on=date(2026, 4, 30)))  # due 05-15: 10 days
    found = account(admin, "ACC-1", as_of="2026-05-25")
    assert found["aging"] == {"current": "30.00", "d31_60": "20.00", "d61_90": "0.00", "d90_plus": "10.00"}
    assert (found["risk"], found["overdue"], found["balance"]) == ("CRITICAL", "60.00", "60.00")
    summary = admin.get(f"{API}aging/", {"as_of": "2026-05-25"}).json()
    assert summary["aging"] == found["aging"]
    assert (summary["outstanding"], summary["overdue"]) == ("60.00", "60.00")


def test_another_tenants_account_is_a_404(admin, other):
    send(bill("ACC-1", "115.00"))
    send(bill("ACC-1", "1.00"), tenant=OTHER_TENANT)
    for path in ("accounts/ACC-1/", "accounts/ACC-1/ledger/"):
        response = other.get(f"{API}{path}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    assert admin.get(f"{API}accounts/ACC-1/").json()["balance"] == "115.00"
    assert Account.objects.filter(tenant_id=TENANT).count() == 1
    assert admin.get(f"{API}accounts/NOPE/").status_code == 404


def test_the_ledger_is_paginated(admin):
    send(*[bill("ACC-1", "1.00") for _ in range(5)])
    first = admin.get(f"{API}accounts/ACC-1/ledger/", {"limit": 2}).json()
    assert [e["balance_after"] for e in first["results"]] == ["1.00", "2.00"]
    second = admin.get(first["next"]).json()
    assert [e["balance_after"] for e in second["results"]] == ["3.00", "4.00"]


def test_account_queries_do_not_grow_with_bills(admin, django_assert_max_num_queries):
    send(*[bill("ACC-1", "1.00") for _ in range(30)])
    with django_assert_max_num_queries(8):
        assert admin.get(f"{API}accounts/ACC-1/").status_code == 200
