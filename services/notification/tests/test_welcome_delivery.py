"""cx.consumer.created -> template -> delivery log -> SMTP; retries with backoff, dead letters."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from notification.messaging import services
from notification.messaging.models import Delivery
from notification.messaging.tasks import retry_failed_deliveries
from smart360.contracts.auth import UserSignedUp
from smart360.contracts.cx import ConsumerCreated
from smart360.events.models import InboxEvent
from smart360.events.tasks import deliver
from smart360.testing.events import envelope_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_commit_now(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def consumer_created(tenant, **payload) -> dict:
    body = {"consumer_id": 7, "number": "CUST-1", "name": "Rita", "email": "rita@example.com",
            "locale": "en", **payload}
    return envelope_of(ConsumerCreated(**body), tenant_id=tenant)


def test_consumer_created_sends_one_welcome_mail_even_if_redelivered(mailoutbox):
    tenant = uuid.uuid4()
    envelope = consumer_created(tenant)
    deliver.apply(args=[[envelope]])
    deliver.apply(args=[[envelope]])  # the relay sent it twice
    [mail] = mailoutbox
    assert mail.subject == "Welcome to your utility, Rita"
    assert "CUST-1" in mail.body
    assert mail.to == ["rita@example.com"]
    delivery = Delivery.objects.get()
    assert delivery.status == "sent"
    assert delivery.attempts == 1
    assert delivery.tenant_id == tenant


def test_locale_picks_the_template_and_falls_back_to_english(mailoutbox):
    deliver.apply(args=[[consumer_created(uuid.uuid4(), locale="es")]])
    deliver.apply(args=[[consumer_created(uuid.uuid4(), locale="fr", email="f@x.test")]])
    assert [m.subject for m in mailoutbox] == ["Bienvenido, Rita", "Welcome to your utility, Rita"]


def test_no_email_or_no_template_means_no_delivery(mailoutbox):
    deliver.apply(args=[[consumer_created(uuid.uuid4(), email="")]])
    signed_up = envelope_of(UserSignedUp(user_id=uuid.uuid4(), email="a@b.test", name="A"),
                            tenant_id=None)
    deliver.apply(args=[[signed_up]])  # not subscribed here: parked, not silently "handled"
    assert not mailoutbox
    assert not Delivery.objects.exists()
    assert InboxEvent.objects.get(pk=signed_up["id"]).status == "dead"


def test_smtp_failure_retries_with_backoff_then_dead_letters(monkeypatch, mailoutbox):
    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(services, "send_mail", smtp_down)
    deliver.apply(args=[[consumer_created(uuid.uuid4())]])
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.attempts == 1
    assert "smtp down" in delivery.last_error
    first_wait = delivery.next_attempt_at - delivery.updated_at
    assert first_wait == services.BACKOFF_BASE

    now = timezone.now()
    assert services.deliveries_due_for_retry(now=now) == []  # not yet
    for attempt in range(2, services.MAX_ATTEMPTS + 1):
        later = timezone.now() + timedelta(hours=attempt)
        assert services.deliveries_due_for_retry(now=later) == [delivery.pk]
        assert services.delivery_send(delivery_id=delivery.pk, now=later) in ("failed", "dead")
    delivery.refresh_from_db()
    assert delivery.status == "dead"
    assert delivery.attempts == services.MAX_ATTEMPTS
    assert services.deliveries_due_for_retry(now=timezone.now() + timedelta(days=9)) == []


def test_retry_job_sends_what_failed_once_smtp_is_back(monkeypatch, mailoutbox):
    monkeypatch.setattr(services, "send_mail", lambda *a, **k: (_ for _ in ()).throw(OSError("x")))
    deliver.apply(args=[[consumer_created(uuid.uuid4())]])
    monkeypatch.undo()
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert retry_failed_deliveries() == {"retried": 1}
    assert Delivery.objects.get().status == "sent"
    assert len(mailoutbox) == 1


def test_delivery_log_is_tenant_scoped(api, tokens):
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    deliver.apply(args=[[consumer_created(mine), consumer_created(theirs, email="t@x.test")]])
    other = Delivery.objects.get(tenant_id=theirs)
    api.credentials(HTTP_AUTHORIZATION=tokens.bearer(tenant=mine))
    listed = api.get("/notification/api/v1/deliveries/").json()["results"]
    assert [d["recipient"] for d in listed] == ["rita@example.com"]
    assert api.get(f"/notification/api/v1/deliveries/{other.pk}/").status_code == 404
    assert api.get("/notification/api/v1/templates/").status_code == 200
