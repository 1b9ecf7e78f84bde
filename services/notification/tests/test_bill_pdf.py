"""The bill mail attaches the bill's PDF, fetched from bx over HTTP when the mail is sent (as
notification's service account acting in the bill's tenant); bx failing is a retry, bx not
having the bill (404) sends the link alone. Real SMTP server, real HTTP server."""

from __future__ import annotations

import uuid
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from tests.conftest import PDF, TENANT, activated, bill, send

from notification.messaging import services
from notification.messaging.models import Delivery
from smart360.mail import inbox

pytestmark = pytest.mark.django_db

LINK = "https://utility.test/bx/api/v1/bills/{n}/pdf/"


def bill_mail(maildir: Path, number: str) -> EmailMessage:
    for mail in inbox.messages(maildir):
        if number in mail.subject:
            parsed = message_from_bytes(Path(mail.path).read_bytes(), policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            return parsed
    raise AssertionError(f"no mail about {number}")


def bill_delivery(n: int = 1) -> Delivery:
    return Delivery.objects.get(event_type="bx.bill.issued", channel="email",
                                recipient=f"rita{n}@example.com")


def test_the_bill_mail_carries_the_pdf_bx_served_and_the_link(smtp_server, gateway, admin):
    send(activated(1))
    send(bill(1))
    delivery = bill_delivery()
    assert (delivery.status, delivery.attachment) == ("SENT", "/bx/api/v1/bills/1/pdf/")
    mail = bill_mail(smtp_server, "BILL-1")
    [attached] = list(mail.iter_attachments())
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_filename() == "BILL-1.pdf"
    assert attached.get_content() == PDF
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    assert LINK.format(n=1) in body.get_content()  # the link stays
    token, fetch = gateway.requests
    assert token[0] == "/auth/api/v1/token/"
    assert fetch[0] == "/bx/api/v1/bills/1/pdf/"
    assert fetch[1]["Authorization"] == "Bearer svc-token"
    assert fetch[1]["X-Smart360-Tenant"] == str(TENANT)
    in_app = Delivery.objects.get(event_type="bx.bill.issued", channel="in_app")
    assert (in_app.status, in_app.attachment) == ("SENT", "")  # only mail attaches
    detail = admin.get(f"/notification/api/v1/deliveries/{delivery.pk}/").json()
    assert detail["attachment"] == "/bx/api/v1/bills/1/pdf/"


def test_bx_down_is_retried_with_backoff_never_sent_without_the_pdf(smtp_server, gateway):
    send(activated(1), activated(2))
    gateway.mode = "down"
    send(bill(1), bill(2))
    first, second = bill_delivery(1), bill_delivery(2)
    for delivery in (first, second):
        assert (delivery.status, delivery.attempts) == ("FAILED", 1)
        assert delivery.last_error.startswith("transient: attachment /bx/api/v1/bills/")
        assert timedelta(seconds=15) <= delivery.next_attempt_at - delivery.updated_at
    assert "HTTP 503" in first.last_error + second.last_error
    pdf_asks = [path for path, _ in gateway.requests if "/pdf/" in path]
    assert len(pdf_asks) == 1  # the batch's second bill did not wait for bx again
    assert not [m for m in inbox.messages(smtp_server) if "BILL-" in m.subject]

    gateway.mode = "ok"
    later = max(first.next_attempt_at, second.next_attempt_at) + timedelta(seconds=1)
    assert sorted(services.deliveries_due(now=later)) == sorted([first.pk, second.pk])
    services.deliveries_send([first.pk, second.pk], now=later)
    for n in (1, 2):
        assert (bill_delivery(n).status, bill_delivery(n).attempts) == ("SENT", 2)
        [attached] = list(bill_mail(smtp_server, f"BILL-{n}").iter_attachments())
        assert attached.get_content() == PDF


def test_a_bx_that_does_not_answer_in_time_is_a_retry(smtp_server, gateway):
    send(activated(1))
    gateway.mode = "slow"
    send(bill(1))
    delivery = bill_delivery()
    assert delivery.status == "FAILED"
    assert "Timeout" in delivery.last_error
    assert not [m for m in inbox.messages(smtp_server) if "BILL-1" in m.subject]


def test_a_bill_bx_does_not_have_goes_with_the_link_only(smtp_server, gateway):
    send(activated(1))
    gateway.mode = "missing"
    send(bill(1))
    assert bill_delivery().status == "SENT"
    mail = bill_mail(smtp_server, "BILL-1")
    assert list(mail.iter_attachments()) == []
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    assert LINK.format(n=1) in body.get_content()


def test_a_service_account_acts_in_the_tenant_it_names(api, tokens):
    """The header the fetch sends, as a tenant endpoint reads it (smart360's authentication)."""
    send(activated(1))
    other = uuid.UUID(int=99)
    url = "/notification/api/v1/contacts/"
    service = tokens.bearer(tenant=None, roles=["service"], perms=["*"], kind="service")
    api.credentials(HTTP_AUTHORIZATION=service)
    assert api.get(url).status_code == 403  # no tenant of its own
    mine = api.get(url, HTTP_X_SMART360_TENANT=str(TENANT)).json()["results"]
    assert [c["number"] for c in mine] == ["CUST-1"]
    assert api.get(url, HTTP_X_SMART360_TENANT=str(other)).json()["results"] == []
    assert api.get(url, HTTP_X_SMART360_TENANT="not-a-uuid").status_code == 401
    # Reads only: a write naming a tenant is still a tenant-less token's.
    wrote = api.post("/notification/api/v1/in-app/read-all/", {}, format="json",
                     HTTP_X_SMART360_TENANT=str(TENANT))
    assert wrote.status_code == 403
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=other, roles=["admin"]))
    user = api.get(url, HTTP_X_SMART360_TENANT=str(TENANT)).json()["results"]
    assert user == []  # a user's token keeps its own tenant
