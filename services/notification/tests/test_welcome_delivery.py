"""Events → contacts → deliveries on each channel; a redelivered event sends once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core import mail as django_mail
from tests.conftest import (
    OTHER,
    activated,
    bill,
    consumer,
    received,
    send,
    sunk,
)

from notification.messaging import handlers
from notification.messaging.models import Contact, Delivery, InAppMessage, Template
from smart360.contracts.auth import UserSignedUp
from smart360.contracts.ax import CoverExpiring
from smart360.contracts.cx import ConsumerUpdated
from smart360.contracts.onboarding import Tariff, TariffActivated
from smart360.contracts.rx import PaymentReceived, ReminderDue
from smart360.contracts.wx import WorkOrderAssigned
from smart360.events.models import InboxEvent
from smart360.events.tasks import deliver
from smart360.testing.events import envelope_of
from smart360.testing.factories import TENANT

pytestmark = pytest.mark.django_db


def test_consumer_created_sends_one_welcome_mail_even_if_redelivered(mailoutbox):
    event = consumer(7, name="Rita")
    envelope = envelope_of(event, tenant_id=TENANT)
    deliver.apply(args=[[envelope]])
    deliver.apply(args=[[envelope]])  # the relay sent it twice
    [mail] = mailoutbox
    assert mail.subject == "Your consumer number, Rita"
    assert "CUST-7" in mail.body
    assert mail.to == ["rita7@example.com"]
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.tenant_id) == ("SENT", 1, TENANT)
    assert delivery.provider == "smtp"
    assert delivery.provider_message_id
    contact = Contact.objects.get()
    assert (contact.number, contact.email, delivery.contact_id) == ("CUST-7", "rita7@example.com",
                                                                    contact.pk)


def test_locale_picks_the_template_and_falls_back_to_english(mailoutbox):
    send(consumer(1, locale="es", name="Rita"), consumer(2, locale="fr", name="Rita"))
    assert sorted(m.subject for m in mailoutbox) == ["Su número de cliente, Rita",
                                                     "Your consumer number, Rita"]


def test_no_address_or_unsubscribed_type_means_no_delivery(mailoutbox):
    send(consumer(1, email=""))
    signed_up = envelope_of(UserSignedUp(user_id=TENANT, email="a@b.test", name="A"),
                            tenant_id=None)
    deliver.apply(args=[[signed_up]])  # not subscribed here: parked, not silently "handled"
    assert not mailoutbox
    assert not Delivery.objects.exists()
    assert InboxEvent.objects.get(pk=signed_up["id"]).status == "dead"


def test_sms_goes_to_the_sink_when_the_contact_has_a_phone(mailoutbox, sink):
    send(consumer(1, phone="+15550101"))
    [sms] = sunk(sink)
    assert sms["to"] == "+15550101"
    assert sms["channel"] == "sms"
    assert "CUST-1" in sms["body"]
    assert set(Delivery.objects.values_list("channel", "status")) == {("email", "SENT"),
                                                                      ("sms", "SENT")}


def test_whatsapp_is_sent_when_the_tenant_has_a_template(sink):
    Template.objects.create(tenant_id=TENANT, event_type="cx.consumer.created",
                            channel="whatsapp", locale="en", body="Hi {{ name }} ({{ number }})")
    send(consumer(1, phone="+15550101"))
    send(consumer(2, phone="+15550102"), tenant=OTHER)  # another tenant: no WhatsApp template
    whatsapp = [m for m in sunk(sink) if m["channel"] == "whatsapp"]
    assert [(m["to"], m["body"]) for m in whatsapp] == [("+15550101", "Hi Rita 1 (CUST-1)")]


def test_contact_updates_and_activation_let_later_events_name_only_the_account(mailoutbox):
    send(consumer(1))
    send(ConsumerUpdated(consumer_id=1, number="CUST-1", name="Rita Lopes",
                         email="rita.new@example.com", phone="+1555", locale="en"))
    send(activated(1, name="Rita Lopes", email="rita.new@example.com", phone="+1555"))
    mailoutbox.clear()
    send(bill(1))  # no address in the payload
    [mail] = mailoutbox
    assert mail.to == ["rita.new@example.com"]
    assert mail.subject == "Your bill BILL-1: 115.00 USD due 2026-11-15"
    assert "https://utility.test/bx/api/v1/bills/1/pdf/" in mail.body
    assert "Hello Rita Lopes" in mail.body
    channels = set(Delivery.objects.filter(event_type="bx.bill.issued")
                   .values_list("channel", flat=True))
    assert channels == {"email", "sms", "in_app"}


def test_a_bill_for_an_unknown_account_reaches_nobody(mailoutbox):
    send(bill(9))
    assert not mailoutbox
    assert not Delivery.objects.exists()


def test_bills_in_a_batch_take_a_bounded_number_of_queries(mailoutbox,
                                                           django_assert_max_num_queries):
    send(*[activated(n) for n in range(1, 41)])
    mailoutbox.clear()
    bills = [bill(n) for n in range(1, 41)]
    with django_assert_max_num_queries(40):  # not per bill: 40 bills, 2 channels here
        send(*bills)
    assert len(mailoutbox) == 40
    assert Delivery.objects.filter(event_type="bx.bill.issued", status="SENT").count() == 80


def test_in_app_messages_with_the_unread_api(admin):
    send(activated(1), bill(1))
    base = "/notification/api/v1/in-app/"
    listed = admin.get(base, {"recipient": "CUST-1"}).json()["results"]
    assert [m["subject"] for m in listed] == ["New bill BILL-1", "Connection active"]
    count = admin.get(base + "unread-count/", {"recipient": "CUST-1"}).json()
    assert count == {"recipient": "CUST-1", "unread": 2}
    first = listed[0]["id"]
    read = admin.post(f"{base}{first}/read/")
    assert read.status_code == 200
    assert read.json()["read_at"]
    unread = admin.get(base, {"recipient": "CUST-1", "unread": "true"}).json()["results"]
    assert [m["subject"] for m in unread] == ["Connection active"]
    assert admin.post(base + "read-all/", {"recipient": "CUST-1"}, format="json").json() == {
        "marked": 1}
    assert admin.get(base + "unread-count/", {"recipient": "CUST-1"}).json()["unread"] == 0
    assert admin.get(base).status_code == 400  # the recipient is required


def test_receipts_reminders_work_orders_and_cover_reach_people(mailoutbox):
    send(activated(1))
    mailoutbox.clear()
    handlers.payment_received([received(PaymentReceived(
        payment_id=1, receipt_number="RCPT-1", account_number="ACC-00001",
        amount=Decimal("50.00"), method="CARD", reference="r1",
        received_at=datetime(2026, 11, 2, tzinfo=UTC), balance_after=Decimal("65.00")))])
    handlers.reminder_due([received(ReminderDue(
        account_number="ACC-00001", stage="FINAL_NOTICE", balance=Decimal("65.00"),
        overdue=Decimal("65.00"), oldest_due_date=date(2026, 10, 1), as_of=date(2026, 12, 1)))])
    handlers.work_order_assigned([received(WorkOrderAssigned(
        work_order_id=1, number="WO-1", kind="INSTALLATION", source="APP-1", technician_id=1,
        technician_name="Sam", technician_email="sam@example.com"))])
    handlers.cover_expiring([received(CoverExpiring(
        kind="insurance", cover_id=1, name="Plant cover", provider="Acme",
        expires_on=date(2027, 1, 1), notify_email="assets@example.com"))])
    subjects = {(m.to[0], m.subject) for m in mailoutbox}
    assert subjects == {
        ("rita1@example.com", "Receipt RCPT-1: 50.00 received"),
        ("rita1@example.com", "Final notice: account ACC-00001"),
        ("sam@example.com", "Work order WO-1 assigned to you"),
        ("assets@example.com", "Plant cover (insurance) expires on 2027-01-01"),
    }
    final = next(m for m in mailoutbox if m.subject.startswith("Final"))
    assert "disconnected" in final.body


def test_tariff_change_notice_goes_to_the_plans_accounts(mailoutbox):
    send(activated(1), activated(2, plan_id=8))
    mailoutbox.clear()
    send(TariffActivated(plan_id=7, version_id=1, tariff_version=2, utility_service_id=1,
                         category_id=1, effective_from=date(2027, 1, 1),
                         tariff=Tariff(kind="flat", rate=Decimal("0.1"))))
    assert [(m.to, m.subject) for m in mailoutbox] == [(["rita1@example.com"],
                                                        "New tariff from 2027-01-01")]


def test_delivery_log_is_tenant_scoped(admin, mailoutbox):
    send(consumer(1))
    send(consumer(2, email="t@x.test"), tenant=OTHER)
    other = Delivery.objects.get(tenant_id=OTHER)
    listed = admin.get("/notification/api/v1/deliveries/").json()["results"]
    assert [(d["recipient"], d["status"]) for d in listed] == [("rita1@example.com", "SENT")]
    by_recipient = admin.get("/notification/api/v1/deliveries/",
                             {"recipient": "rita1@example.com"}).json()["results"]
    assert len(by_recipient) == 1
    for path in (f"deliveries/{other.pk}/", f"deliveries/{other.pk}/cancel/",
                 f"contacts/{other.contact_id}/"):
        call = admin.post if path.endswith("cancel/") else admin.get
        assert call(f"/notification/api/v1/{path}").status_code == 404, path
    other_in_app = InAppMessage.objects.create(tenant_id=OTHER, recipient="X", body="b")
    assert admin.post(f"/notification/api/v1/in-app/{other_in_app.pk}/read/").status_code == 404
    assert len(django_mail.outbox) == 2


def test_smart360_sms_lists_what_the_sink_stored(sink):
    import json as jsonlib

    from click.testing import CliRunner

    from smart360.mail.cli import sms

    send(consumer(1, phone="+15550101"))
    listed = CliRunner().invoke(sms, ["--sink", str(sink), "--json"])
    assert listed.exit_code == 0, listed.output
    [message] = jsonlib.loads(listed.output)
    assert (message["channel"], message["to"]) == ("sms", "+15550101")
    plain = CliRunner().invoke(sms, ["--sink", str(sink)])
    assert "+15550101" in plain.output
