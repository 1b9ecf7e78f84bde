"""Individual, bulk (an audience, chunked) and scheduled messages; cancellation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from tests.conftest import OTHER, activated, send

from notification.messaging import services
from notification.messaging.models import Contact, Delivery, Message
from notification.messaging.tasks import send_scheduled_messages

pytestmark = pytest.mark.django_db
URL = "/notification/api/v1/messages/"


def post(admin, body, key="k1"):
    return admin.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_bulk_to_an_audience_in_chunks(admin, mailoutbox, monkeypatch,
                                       django_assert_max_num_queries):
    monkeypatch.setattr(services, "BULK_CHUNK", 4)
    send(*[activated(n, plan_id=7 if n <= 10 else 8) for n in range(1, 13)])
    send(activated(1), tenant=OTHER)
    mailoutbox.clear()
    body = {"channel": "email", "category": "service", "subject": "Works on {{ account_number }}",
            "body": "Dear {{ name }}, planned works.", "audience": {"plan_id": 7}}
    with django_assert_max_num_queries(60):  # per chunk, not per contact
        answer = post(admin, body)
    assert answer.status_code == 201, answer.content
    message = answer.json()
    assert (message["status"], message["recipients"]) == ("PROCESSING", 0)  # as posted
    assert len(mailoutbox) == 10
    stored = Message.objects.get(pk=message["id"])
    assert (stored.status, stored.recipients) == ("DONE", 10)
    assert admin.get(f"{URL}{stored.pk}/").json()["recipients"] == 10
    replay = post(admin, body)
    assert replay.json()["id"] == message["id"]
    assert len(mailoutbox) == 10
    assert post(admin, {**body, "body": "other"}).status_code == 422
    deliveries = admin.get("/notification/api/v1/deliveries/", {"message": stored.pk}).json()
    assert len(deliveries["results"]) == 10


def test_an_individual_message_in_app_and_sms(admin, sink):
    send(activated(1, phone="+1555"), activated(2))
    contact = Contact.objects.get(consumer_id=1)
    answer = post(admin, {"channel": "in_app", "category": "account", "subject": "Hello",
                          "body": "Hi {{ name }}", "audience": {"contacts": [contact.pk]}})
    assert answer.status_code == 201
    inbox = admin.get("/notification/api/v1/in-app/", {"recipient": "CUST-1"}).json()["results"]
    assert [m["body"] for m in inbox] == ["Hi Rita 1", "Account ACC-00001 is connected."]
    sms = post(admin, {"channel": "sms", "category": "account", "body": "Code {{ account_number }}",
                       "audience": {"account_numbers": ["ACC-00001"]}}, key="k2")
    assert sms.status_code == 201


def test_bad_messages_are_400(admin):
    base = {"channel": "email", "category": "service", "body": "x", "audience": {"all": True}}
    assert post(admin, {**base, "body": "{{ balance }}"}).status_code == 400  # not a contact's
    assert post(admin, {**base, "audience": {}}, key="k2").status_code == 400


def test_scheduled_message_waits_for_its_time_and_can_be_cancelled(admin, mailoutbox):
    send(activated(1))
    mailoutbox.clear()
    at = (timezone.now() + timedelta(hours=2)).isoformat()
    first = post(admin, {"channel": "email", "category": "service", "subject": "Outage",
                         "body": "Outage tomorrow.", "audience": {"all": True},
                         "scheduled_at": at}).json()
    second = post(admin, {"channel": "email", "category": "service", "subject": "Later",
                          "body": "Later.", "audience": {"all": True}, "scheduled_at": at},
                  key="k2").json()
    assert first["status"] == "SCHEDULED"
    assert send_scheduled_messages() == {"dispatched": 0}
    cancelled = admin.post(f"{URL}{second['id']}/cancel/")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "CANCELLED"
    Message.objects.update(scheduled_at=timezone.now() - timedelta(minutes=1))
    assert send_scheduled_messages() == {"dispatched": 1}
    assert [m.subject for m in mailoutbox] == ["Outage"]
    assert admin.post(f"{URL}{first['id']}/cancel/").status_code == 409  # DONE


def test_cancelling_a_message_cancels_its_unsent_deliveries(admin, monkeypatch, mailoutbox):
    send(activated(1), activated(2))
    mailoutbox.clear()
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: None)
    message = services.message_create(tenant_id=admin_tenant(), channel="email",
                                      category="service", subject="s", body="b",
                                      audience_spec={"all": True})
    services.message_dispatch(message_id=message.pk)  # the deliveries, their sends not run
    Message.objects.filter(pk=message.pk).update(status="PROCESSING")
    answer = admin.post(f"{URL}{message.pk}/cancel/")
    assert answer.status_code == 200
    assert set(Delivery.objects.filter(message=message).values_list("status", flat=True)) == {
        "CANCELLED"}
    assert not mailoutbox


def test_another_tenants_message_is_404(admin):
    theirs = Message.objects.create(tenant_id=OTHER, channel="email", category="service",
                                    body="b", audience={"all": True})
    assert admin.get(f"{URL}{theirs.pk}/").status_code == 404
    assert admin.post(f"{URL}{theirs.pk}/cancel/").status_code == 404


def admin_tenant():
    from smart360.testing.factories import TENANT

    return TENANT
