"""DOMAIN.md's flow end to end through the gateway, as a freshly signed-up utility (FLOW-API.md):
configure → connect (inspection, approval, installation) → read → bill → pay, with the mails."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from flow import admin_with_tenant, mails_to

from smart360.flow import Flow, eventually, results

pytestmark = pytest.mark.e2e


@pytest.fixture
def http(stack):
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as client:
        yield client


def mail_mentioning(stack, address: str, text: str, timeout: float = 120):
    return eventually(lambda: next((m for m in mails_to(stack, address)
                                    if text in m.subject or text in m.body), None),
                      f"a mail to {address} mentioning {text}", timeout)


def pdf_attachments(mail) -> list[bytes]:
    parsed = message_from_bytes(Path(mail.path).read_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return [part.get_content() for part in parsed.iter_attachments()
            if part.get_content_type() == "application/pdf"]


def test_a_new_utility_connects_reads_bills_and_collects(stack, http):
    admin = admin_with_tenant(stack, http)
    flow = Flow(http, admin.access)
    utility = flow.configure()
    progress = flow.get("/onboarding/api/v1/setup-progress/")
    assert 0 < progress["percent"] <= 100
    assert {"key", "done", "weight"} <= set(progress["steps"][0])

    email = f"ana-{uuid.uuid4().hex[:8]}@e2e.test"
    connected = flow.connect(utility, email)
    assert flow.get(f"/cx/api/v1/consumers/{connected.consumer}/")["status"] == "CONNECTED"
    meter = flow.meter(connected.serial)
    assert meter["status"] == "INSTALLED"
    assert meter["account_number"] == connected.account
    welcome = mail_mentioning(stack, email, "Welcome")
    assert connected.account in welcome.body  # sent on activation: the account exists

    reading = flow.read(connected, "2026-11-30T12:00:00Z", "850")
    assert reading["status"] == "PASS"
    assert Decimal(reading["consumption"]) == Decimal("850")

    run = flow.bill_period(utility, "2026-11-01", "2026-11-30")
    assert run["status"] == "ISSUED"
    bill = flow.issued_bill(connected.account)
    assert Decimal(bill["consumption"]) == Decimal("850")
    assert Decimal(bill["subtotal"]) == Decimal("115.00")  # DOMAIN.md: 100.00 + 15.00 fixed
    assert Decimal(bill["total"]) == Decimal("115.00")
    assert sum(Decimal(line["amount"]) for line in bill["lines"]) == Decimal("115.00")
    pdf = http.get(f"/bx/api/v1/bills/{bill['id']}/pdf/", headers=admin.headers)
    assert pdf.headers["content-type"] == "application/pdf"
    pypdf = pytest.importorskip("pypdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert bill["number"] in text
    assert "115.00" in text
    bill_mail = mail_mentioning(stack, email, bill["number"])
    [attached] = pdf_attachments(bill_mail)  # notification fetched it from bx when it sent
    attached_text = "".join(page.extract_text()
                            for page in pypdf.PdfReader(io.BytesIO(attached)).pages)
    assert bill["number"] in attached_text
    assert "115.00" in attached_text
    assert f"/bx/api/v1/bills/{bill['id']}/pdf/" in bill_mail.body  # and the link stays

    eventually(lambda: flow.balance(connected.account) == Decimal("115.00"),
               "the bill in the rx ledger")
    key = str(uuid.uuid4())
    body = {"account": connected.account, "amount": "115.00", "method": "cash",
            "reference": "E2E-1"}
    first = flow.post("/rx/api/v1/payments/", body, key=key, expect=(201,))
    again = flow.post("/rx/api/v1/payments/", body, key=key, expect=(200, 201))
    assert again["id"] == first["id"]  # charged once
    assert [Decimal(a["amount"]) for a in first["allocations"]] == [Decimal("115.00")]
    flow.post("/rx/api/v1/payments/", {**body, "amount": "1.00"}, key=key, expect=(422,))
    assert flow.balance(connected.account) == Decimal("0")
    account = flow.get(f"/rx/api/v1/accounts/{connected.account}/")
    assert account["risk"] == "LOW"
    kinds = {e["kind"] for e in results(flow.get(
        f"/rx/api/v1/accounts/{connected.account}/ledger/"))}
    assert kinds == {"BILL", "PAYMENT"}
    mail_mentioning(stack, email, first["receipt_number"])

    sent = results(flow.get("/notification/api/v1/deliveries/", recipient=email))
    assert len(sent) >= 3  # welcome, bill, receipt


def test_a_rejected_application_cannot_move_on_and_is_invisible_to_another_tenant(stack, http):
    admin = admin_with_tenant(stack, http)
    flow = Flow(http, admin.access)
    application = flow.apply(flow.configure(), f"rejected-{uuid.uuid4().hex[:8]}@e2e.test")
    assert application["stage"] == "APPLICATION_REVIEW"
    assert flow.decide(application, "reject")["stage"] == "REJECTED"

    refused = http.post(f"/cx/api/v1/applications/{application['id']}/decision/",
                        json={"decision": "approve", "reason": "changed my mind"},
                        headers=admin.headers)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert "REJECTED" in refused.json()["detail"]

    stranger = admin_with_tenant(stack, http)
    assert http.get(f"/cx/api/v1/applications/{application['id']}/",
                    headers=stranger.headers).status_code == 404
    assert results(http.get("/wx/api/v1/work-orders/", params={"source": application["number"]},
                            headers=stranger.headers).json()) == []


def test_a_work_request_delivered_twice_makes_one_work_order(stack, http):
    admin = admin_with_tenant(stack, http)
    flow = Flow(http, admin.access)
    utility = flow.configure()
    application = flow.apply(utility, f"twice-{uuid.uuid4().hex[:8]}@e2e.test")
    flow.decide(application, "approve")
    order = flow.work_order(application["number"], "SITE_INSPECTION")

    envelope = {"id": str(uuid.uuid4()), "type": "cx.workorder.requested", "version": 1,
                "tenant": admin.tenant, "occurred_at": "2026-11-01T00:00:00+00:00",
                "request_id": "e2e-twice", "source": "cx",
                "payload": {"request_key": order["request_key"], "kind": "SITE_INSPECTION",
                            "source": application["number"], "area_id": utility.area}}
    app = stack.celery("cx")
    app.send_task("smart360.events.deliver", args=[[envelope]], queue="wx")
    app.send_task("smart360.events.deliver", args=[[envelope]], queue="wx")  # the same event
    app.send_task("smart360.events.deliver", queue="wx",  # another event, the same need
                  args=[[{**envelope, "id": str(uuid.uuid4())}]])
    app.close()
    eventually(lambda: stack.queue_length("wx") == 0, "the wx queue to drain", 60)
    time.sleep(3)  # the last batch taken off the queue is handled
    orders = results(flow.get("/wx/api/v1/work-orders/", source=application["number"]))
    assert [o["id"] for o in orders] == [order["id"]]


def run_job(stack, service: str, name: str, as_of: str) -> None:
    """`smart360 job run SERVICE JOB --as-of DATE` (FLOW-API §5), as an operator would."""
    done = subprocess.run([str(Path(sys.executable).parent / "smart360"), "job", "run", service,
                           name, "--as-of", as_of], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "SMART360_STATE_DIR": str(stack.state_dir)})
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_unpaid_bill_goes_from_reminders_to_a_disconnection_work_order(stack, http):
    admin = admin_with_tenant(stack, http)
    flow = Flow(http, admin.access)
    utility = flow.configure()
    email = f"late-{uuid.uuid4().hex[:8]}@e2e.test"
    connected = flow.connect(utility, email, name="Lee Late")
    flow.read(connected, "2026-11-30T12:00:00Z", "850")
    flow.bill_period(utility, "2026-11-01", "2026-11-30")
    due = date.fromisoformat(flow.issued_bill(connected.account)["due_date"])
    eventually(lambda: flow.balance(connected.account) == Decimal("115.00"), "the bill in rx")

    dunning = f"/rx/api/v1/dunning/?account={connected.account}"
    # Each night moves a case one stage at most: reminder 7 days after the due date, the final
    # notice 14 days after the reminder, the disconnection request 7 days after that.
    for days, stage in ((1, "REQUIRED"), (7, "REMINDER_SENT"), (21, "FINAL_NOTICE"),
                        (28, "DISCONNECTION_REQUESTED")):
        run_job(stack, "rx", "run_dunning", (due + timedelta(days=days)).isoformat())
        assert flow.get(dunning)["stage"] == stage, days
    account = flow.get(f"/rx/api/v1/accounts/{connected.account}/",
                       as_of=(due + timedelta(days=28)).isoformat())
    assert Decimal(account["overdue"]) == Decimal("115.00")
    assert account["risk"] == "LOW"  # 28 days: overdue, but under 31

    orders = eventually(lambda: [o for o in results(flow.get(
        "/wx/api/v1/work-orders/", kind="DISCONNECTION"))], "the disconnection work order")
    assert len(orders) == 1  # cx turned rx.account.overdue into exactly one field job
    assert len(mails_to(stack, email)) >= 3  # welcome, bill, reminder (and final notice)
