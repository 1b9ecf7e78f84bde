"""Payments (idempotent, allocated oldest first, concurrency-safe), receipts, refunds, credit
notes, adjustments, collection rate."""

from __future__ import annotations

import threading
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from tests.conftest import API, bill, send

from rx.collections.models import Account, LedgerEntry, Payment, Receivable
from smart360.events.models import OutboxEvent
from smart360.testing.factories import TENANT

pytestmark = pytest.mark.django_db


def pay(client, account, amount, *, key=None, **extra):
    return client.post(f"{API}payments/", {"account": account, "amount": amount, "method": "card",
                                           "reference": "TX-1", **extra},
                       format="json", HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()))


@pytest.fixture
def two_bills():
    older, newer = bill("ACC-1", "100.00"), bill("ACC-1", "50.00", issued_on=date(2026, 2, 28))
    send(newer, older)
    return older, newer


def test_a_payment_is_allocated_oldest_first_with_a_receipt(admin, two_bills):
    older, newer = two_bills
    response = pay(admin, "ACC-1", "120.00")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["receipt_number"].startswith("RCPT-")
    assert len(body["receipt_number"].rsplit("-", 1)[1]) == 6
    assert body["allocations"] == [{"bill": older.number, "amount": "100.00"},
                                   {"bill": newer.number, "amount": "20.00"}]
    assert (body["unapplied"], body["balance_after"]) == ("0.00", "30.00")
    assert admin.get(f"{API}accounts/ACC-1/").json()["balance"] == "30.00"
    ledger = admin.get(f"{API}accounts/ACC-1/ledger/").json()["results"]
    assert (ledger[-1]["kind"], ledger[-1]["amount"], ledger[-1]["balance_after"],
            ledger[-1]["reference"]) == ("PAYMENT", "-120.00", "30.00", body["receipt_number"])
    (event,) = OutboxEvent.objects.filter(type="rx.payment.received")
    assert (event.payload["receipt_number"], event.payload["amount"], event.payload["balance_after"]) == (
        body["receipt_number"], "120.00", "30.00")
    assert event.payload["allocations"][0] == {"bill_number": older.number, "amount": "100.00"}
    receipt = admin.get(f"{API}receipts/{body['receipt_number']}/").json()
    assert (receipt["id"], receipt["amount"]) == (body["id"], "120.00")
    assert admin.get(f"{API}payments/", {"account": "ACC-1"}).json()["results"][0]["id"] == body["id"]


def test_an_overpayment_stays_as_credit_and_can_be_refunded(admin, two_bills):
    body = pay(admin, "ACC-1", "200.00").json()
    assert (body["unapplied"], body["balance_after"]) == ("50.00", "-50.00")
    too_much = admin.post(f"{API}refunds/", {"account": "ACC-1", "amount": "50.01", "method": "bank"},
                          format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert too_much.status_code == 409
    refund = admin.post(f"{API}refunds/", {"account": "ACC-1", "amount": "50.00", "method": "bank",
                                           "reason": "overpaid"},
                        format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert refund.status_code == 201, refund.content
    assert (refund.json()["balance_after"], refund.json()["number"][:4]) == ("0.00", "RFD-")
    row = Account.objects.get(number="ACC-1")
    assert (row.balance, row.credit) == (Decimal("0.00"), Decimal("0.00"))
    assert [e.kind for e in LedgerEntry.objects.order_by("id")][-2:] == ["PAYMENT", "REFUND"]


def test_the_same_key_and_body_is_charged_once(admin, two_bills):
    key = str(uuid.uuid4())
    first = pay(admin, "ACC-1", "10.00", key=key)
    again = pay(admin, "ACC-1", "10.00", key=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1
    assert OutboxEvent.objects.filter(type="rx.payment.received").count() == 1
    other_body = pay(admin, "ACC-1", "11.00", key=key)
    assert other_body.status_code == 422
    assert Account.objects.get(number="ACC-1").balance == Decimal("140.00")


@pytest.mark.parametrize("amount", ["0", "0.00", "-5.00", "abc", 10])
def test_a_bad_amount_is_a_400(admin, two_bills, amount):
    assert pay(admin, "ACC-1", amount).status_code == 400


def test_a_payment_to_another_tenants_account_is_a_404(admin, other, two_bills):
    response = pay(other, "ACC-1", "10.00")
    assert response.status_code == 404
    assert other.get(f"{API}payments/", {"account": "ACC-1"}).json()["results"] == []
    receipt = pay(admin, "ACC-1", "10.00").json()["receipt_number"]
    assert other.get(f"{API}receipts/{receipt}/").status_code == 404
    assert Payment.objects.count() == 1


def test_a_payment_is_a_constant_number_of_queries(admin, django_assert_max_num_queries):
    send(*[bill("ACC-1", "1.00") for _ in range(40)])
    with django_assert_max_num_queries(25):
        body = pay(admin, "ACC-1", "40.00").json()
    assert len(body["allocations"]) == 40


@pytest.mark.django_db(transaction=True)
def test_two_parallel_payments_on_one_account_queue_on_its_lock(tokens):
    from rest_framework.test import APIClient

    send(bill("ACC-1", "100.00"))
    results = []
    barrier = threading.Barrier(2)

    def one() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=TENANT, roles=["admin"]))
        barrier.wait()
        results.append(pay(client, "ACC-1", "60.00").json())
        connection.close()

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    allocated = sorted(Decimal(a["amount"]) for r in results for a in r["allocations"])
    assert allocated == [Decimal("40.00"), Decimal("60.00")]  # never 60 + 60 on a 100 bill
    assert Receivable.objects.get().amount_outstanding == 0
    row = Account.objects.get(number="ACC-1")
    assert (row.balance, row.credit) == (Decimal("-20.00"), Decimal("20.00"))
    assert sorted(r["balance_after"] for r in results) == ["-20.00", "40.00"]
    assert len({r["receipt_number"] for r in results}) == 2


def test_a_credit_note_pays_the_named_bill_first(admin, two_bills):
    older, newer = two_bills
    response = admin.post(f"{API}credit-notes/", {"account": "ACC-1", "amount": "30.00",
                                                  "reason": "goodwill", "bill": newer.number},
                          format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 201, response.content
    assert (response.json()["number"][:3], response.json()["balance_after"]) == ("CN-", "120.00")
    assert Receivable.objects.get(bill_ref=newer.number).amount_outstanding == Decimal("20.00")
    assert Receivable.objects.get(bill_ref=older.number).amount_outstanding == Decimal("100.00")
    unknown = admin.post(f"{API}credit-notes/", {"account": "ACC-1", "amount": "1.00",
                                                 "reason": "x", "bill": "BILL-NOPE"},
                         format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert unknown.status_code == 404


def test_adjustments_debit_and_credit(admin, two_bills):
    def adjust(amount):
        return admin.post(f"{API}adjustments/", {"account": "ACC-1", "amount": amount, "reason": "fix"},
                          format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    debit = adjust("5.00")
    assert debit.status_code == 201, debit.content
    assert debit.json()["balance_after"] == "155.00"
    assert Receivable.objects.filter(bill_ref=debit.json()["number"]).exists()
    assert adjust("-155.00").json()["balance_after"] == "0.00"
    assert not Receivable.objects.filter(amount_outstanding__gt=0).exists()
    assert adjust("0").status_code == 400


def test_collection_rate_is_collected_over_billed_in_the_period(admin, two_bills):
    pay(admin, "ACC-1", "75.00")  # 75 of the January bill (100)
    january = admin.get(f"{API}collection-rate/", {"period_start": "2026-01-01",
                                                   "period_end": "2026-01-31"}).json()
    assert {k: january[k] for k in ("billed", "collected", "rate")} == {
        "billed": "100.00", "collected": "75.00", "rate": "0.7500"}
    both = admin.get(f"{API}collection-rate/", {"period_start": "2026-01-01",
                                                "period_end": "2026-02-28"}).json()
    assert (both["billed"], both["rate"]) == ("150.00", "0.5000")
    empty = admin.get(f"{API}collection-rate/", {"period_start": "2025-01-01",
                                                 "period_end": "2025-01-31"}).json()
    assert (empty["billed"], empty["rate"]) == ("0.00", None)
    one_date = admin.get(f"{API}collection-rate/", {"period_start": "2026-02-01"}).json()
    assert (one_date["period_end"], one_date["billed"]) == ("2026-02-28", "50.00")  # its month
