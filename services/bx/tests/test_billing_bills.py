"""Bills: the list by account, the PDF, off-cycle bills, void with credit."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from tests.test_billing_runs import BILLS, RUNS, run_to_draft

from bx.billing import pipeline
from bx.billing.models import Bill, BillRun
from smart360.events.models import OutboxEvent
from smart360.testing.factories import TENANT

pytestmark = pytest.mark.django_db


def issued_bill(admin, world, consumption="850") -> dict:
    number = world.account()
    world.read(number, consumption)
    run = run_to_draft(admin)
    admin.post(f"{RUNS}{run['id']}/approve/")
    admin.post(f"{RUNS}{run['id']}/issue/")
    pipeline.advance(run["id"])
    (bill,) = admin.get(BILLS, {"account": number}).json()["results"]
    return bill


def test_the_pdf_is_a_real_pdf_with_the_lines_and_the_total(admin, world):
    bill = issued_bill(admin, world)
    response = admin.get(f"{BILLS}{bill['id']}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (bill["number"], bill["account"], "2026-11-01 to 2026-11-30", "850 kWh",
                     "Energy 0-300 kWh", "Energy 601+ kWh", "40.00", "Fixed charge",
                     "Total", "USD 115.00", f"Due date: {bill['due_date']}"):
        assert expected in text, (expected, text)


def test_the_pdf_of_another_tenants_bill_is_a_404(admin, world, api, tokens):
    bill = issued_bill(admin, world)
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=uuid.uuid4(), roles=["admin"]))
    for path in ("", "pdf/"):
        response = api.get(f"{BILLS}{bill['id']}/{path}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    assert api.post(f"{BILLS}{bill['id']}/void/", {"reason": "x"}, format="json").status_code == 404
    assert api.get(BILLS, {"account": bill["account"]}).json()["results"] == []


def test_voiding_an_issued_bill_publishes_the_credit(admin, world):
    bill = issued_bill(admin, world)
    voided = admin.post(f"{BILLS}{bill['id']}/void/", {"reason": "meter misread"}, format="json")
    assert voided.status_code == 200, voided.content
    assert (voided.json()["status"], voided.json()["void_reason"]) == ("VOID", "meter misread")
    (event,) = OutboxEvent.objects.filter(type="bx.bill.voided")
    assert {k: event.payload[k] for k in ("bill_id", "number", "credit_amount", "reason")} == {
        "bill_id": bill["id"], "number": bill["number"], "credit_amount": "115.00",
        "reason": "meter misread"}
    again = admin.post(f"{BILLS}{bill['id']}/void/", {"reason": "twice"}, format="json")
    assert again.status_code == 409
    assert OutboxEvent.objects.filter(type="bx.bill.voided").count() == 1


def test_a_void_bill_frees_its_period_for_a_new_run(admin, world):
    bill = issued_bill(admin, world)
    admin.post(f"{BILLS}{bill['id']}/void/", {"reason": "rebill"}, format="json")
    BillRun.objects.update(status="FAILED")  # the old run retired, so a new one may start
    assert run_to_draft(admin)["billed"] == 1


def test_an_off_cycle_bill_is_rated_now_then_approved_and_issued(admin, world):
    number = world.account()
    world.read(number, "400", at=datetime(2026, 11, 14, 9, tzinfo=UTC))
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    body = {"account": number, "period_start": "2026-11-01", "period_end": "2026-11-15"}
    created = admin.post(BILLS, body, format="json", **key)
    assert created.status_code == 201, created.content
    bill = created.json()
    assert (bill["kind"], bill["status"], bill["number"]) == ("OFF_CYCLE", "DRAFT", "")
    assert bill["total"] == "51.00"  # 24.00 + 100 x 0.12 + 15.00: one period, not prorated
    assert admin.post(BILLS, body, format="json", **key).json()["id"] == bill["id"]  # replayed
    assert admin.post(f"{BILLS}{bill['id']}/issue/").status_code == 409  # not approved yet
    assert admin.post(f"{BILLS}{bill['id']}/approve/").json()["status"] == "APPROVED"
    issued = admin.post(f"{BILLS}{bill['id']}/issue/").json()
    assert issued["status"] == "ISSUED"
    assert issued["number"].startswith("BILL-")
    assert OutboxEvent.objects.filter(type="bx.bill.issued").count() == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [({"account": "NOPE"}, 404), ({"period_end": "2026-10-01"}, 400)],
)
def test_bad_off_cycle_bills_are_refused(admin, world, body, status):
    number = world.account()
    full = {"account": number, "period_start": "2026-11-01", "period_end": "2026-11-15", **body}
    response = admin.post(BILLS, full, format="json")
    assert response.status_code == status
    assert Bill.objects.count() == 0


def test_an_off_cycle_bill_without_a_reading_is_a_409(admin, world):
    number = world.account()
    response = admin.post(BILLS, {"account": number, "period_start": "2026-11-01",
                                  "period_end": "2026-11-15"}, format="json")
    assert response.status_code == 409
    assert "no validated reading" in response.json()["detail"]


def test_a_runs_bills_move_with_their_run(admin, world):
    world.read(world.account(), "10")
    run = run_to_draft(admin)
    bill = Bill.objects.get(run_id=run["id"])
    assert admin.post(f"{BILLS}{bill.pk}/approve/").status_code == 409


def test_the_bill_list_costs_the_same_queries_for_one_bill_or_many(admin, world,
                                                                    django_assert_max_num_queries):
    numbers = [world.account() for _ in range(12)]
    for n in numbers:
        world.read(n, "500")
    run_to_draft(admin)
    with django_assert_max_num_queries(2):  # the bills, then every line of the page at once
        page = admin.get(BILLS, {"limit": 50}).json()["results"]
    assert len(page) == 12
    assert all(len(b["lines"]) == 3 for b in page)


def test_bills_are_listed_by_account_and_by_run(admin, world):
    a, b = world.account(), world.account()
    world.read(a, "10")
    world.read(b, "20")
    run = run_to_draft(admin)
    assert [x["account"] for x in admin.get(BILLS, {"account": a}).json()["results"]] == [a]
    assert len(admin.get(BILLS, {"run": run["id"]}).json()["results"]) == 2
    assert admin.get(BILLS, {"status": "ISSUED"}).json()["results"] == []
    assert admin.get(BILLS, {"status": "NOPE"}).status_code == 400
    assert Bill.objects.filter(tenant_id=TENANT).count() == 2
