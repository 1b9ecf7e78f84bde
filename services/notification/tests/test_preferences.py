"""Opt-out per channel and category, honoured at send time; the unsubscribe link."""

from __future__ import annotations

import re

import pytest
from tests.conftest import OTHER, activated, bill, consumer, send

from notification.messaging.models import Contact, Delivery, Preference

pytestmark = pytest.mark.django_db
PREFS = "/notification/api/v1/preferences/"


def test_an_opt_out_is_honoured_at_send_time(admin, mailoutbox, sink):
    send(activated(1, phone="+1555"))
    contact = Contact.objects.get()
    answer = admin.post(PREFS, {"contact": contact.pk, "channel": "email",
                                "category": "billing", "opted_out": True}, format="json")
    assert answer.status_code == 200, answer.content
    mailoutbox.clear()
    send(bill(1))
    assert not mailoutbox  # no bill mail
    rows = dict(Delivery.objects.filter(event_type="bx.bill.issued")
                .values_list("channel", "status"))
    assert rows == {"email": "SUPPRESSED", "sms": "SENT", "in_app": "SENT"}
    listed = admin.get(PREFS, {"contact": contact.pk}).json()["results"]
    assert [(p["channel"], p["category"], p["opted_out"]) for p in listed] == [
        ("email", "billing", True)]


def test_opting_out_of_everything_and_back_in(admin, mailoutbox):
    send(activated(1))
    contact = Contact.objects.get()
    admin.post(PREFS, {"contact": contact.pk, "channel": "*", "category": "*",
                       "opted_out": True}, format="json")
    mailoutbox.clear()
    send(bill(1))
    assert not mailoutbox
    admin.post(PREFS, {"contact": contact.pk, "channel": "*", "category": "*",
                       "opted_out": False}, format="json")
    send(bill(2, account_number="ACC-00001"))
    assert len(mailoutbox) == 1


def test_preferences_of_another_tenants_contact_are_404(admin):
    send(consumer(1), tenant=OTHER)
    theirs = Contact.objects.get()
    answer = admin.post(PREFS, {"contact": theirs.pk, "channel": "email", "category": "billing",
                                "opted_out": True}, format="json")
    assert answer.status_code == 404
    assert not Preference.objects.exists()


def test_marketing_mail_carries_a_working_unsubscribe_link(admin, mailoutbox):
    from rest_framework.test import APIClient

    public = APIClient()
    send(activated(1), activated(2))
    mailoutbox.clear()
    answer = admin.post("/notification/api/v1/messages/", {
        "channel": "email", "category": "marketing", "subject": "Save energy, {{ name }}",
        "body": "Tips for {{ name }}.", "audience": {"all": True}},
        format="json", HTTP_IDEMPOTENCY_KEY="campaign-1")
    assert answer.status_code == 201, answer.content
    assert len(mailoutbox) == 2
    mail = next(m for m in mailoutbox if m.to == ["rita1@example.com"])
    assert mail.subject == "Save energy, Rita 1"
    [link] = re.findall(r"https://utility\.test/notification/api/v1/unsubscribe/\S+/", mail.body)
    assert mail.extra_headers["List-Unsubscribe"] == f"<{link}>"
    path = link.removeprefix("https://utility.test")
    assert public.get(path).json() == {"channel": "email", "category": "marketing",
                                    "unsubscribed": False}
    assert public.post(path).json()["unsubscribed"] is True
    assert public.get(path.replace("/unsubscribe/", "/unsubscribe/x")).status_code == 404
    mailoutbox.clear()
    admin.post("/notification/api/v1/messages/", {
        "channel": "email", "category": "marketing", "subject": "More tips",
        "body": "Hello {{ name }}", "audience": {"all": True}},
        format="json", HTTP_IDEMPOTENCY_KEY="campaign-2")
    assert [m.to for m in mailoutbox] == [["rita2@example.com"]]
    send(bill(1))  # billing mail still reaches them
    assert ["rita1@example.com"] in [m.to for m in mailoutbox]
