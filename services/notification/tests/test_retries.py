"""Provider outages: retries with backoff and jitter per error class, dead letters and replay,
the sweep that re-enqueues sends lost between the commit and the broker, rate limits."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from tests.conftest import consumer, send

from notification.messaging import providers, services
from notification.messaging.models import Activity, Delivery
from notification.messaging.tasks import sweep_deliveries

pytestmark = pytest.mark.django_db


class Outage:
    """The SMTP provider failing with `kind` until `up` is set."""

    def __init__(self, monkeypatch, kind: str = providers.TRANSIENT) -> None:
        self.up, self.kind, self.calls = False, kind, 0
        real = providers.EmailProvider.send

        def send(provider, message):
            self.calls += 1
            if not self.up:
                raise providers.ProviderError("connection refused", kind=self.kind)
            return real(provider, message)

        monkeypatch.setattr(providers.EmailProvider, "send", send)


def test_outage_retries_with_backoff_then_delivers_exactly_once(monkeypatch, mailoutbox):
    outage = Outage(monkeypatch)
    send(consumer(1))
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("FAILED", 1)
    assert "connection refused" in delivery.last_error
    wait = delivery.next_attempt_at - delivery.updated_at
    assert timedelta(seconds=15) <= wait <= timedelta(seconds=30)  # base 30 s, equal jitter

    assert services.deliveries_due(now=timezone.now()) == []  # not before its time
    later = delivery.next_attempt_at + timedelta(seconds=1)
    assert services.deliveries_due(now=later) == [delivery.pk]
    services.deliveries_send([delivery.pk], now=later)
    delivery.refresh_from_db()
    second_wait = delivery.next_attempt_at - later
    assert timedelta(seconds=30) <= second_wait <= timedelta(seconds=60)  # doubled

    outage.up = True
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert sweep_deliveries() == {"enqueued": 1}
    assert sweep_deliveries() == {"enqueued": 0}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("SENT", 3)
    assert len(mailoutbox) == 1
    statuses = list(Activity.objects.order_by("id").values_list("status", flat=True))
    assert statuses == ["QUEUED", "FAILED", "FAILED", "SENT"]


def test_backoff_grows_per_attempt_and_is_capped_with_jitter():
    provider = providers.EmailProvider()
    rng = random.Random(1)
    waits = [provider.retry_delay(attempts=n, kind=providers.TRANSIENT, rng=rng)
             for n in range(1, 12)]
    for n, wait in enumerate(waits, start=1):
        full = min(timedelta(hours=1), timedelta(seconds=30) * 2 ** (n - 1))
        assert full / 2 <= wait <= full
    throttled = provider.retry_delay(attempts=1, kind=providers.THROTTLED, rng=rng)
    assert timedelta(seconds=30) <= throttled <= timedelta(minutes=1)


def test_attempts_exhausted_make_a_dead_letter_that_replays(monkeypatch, mailoutbox, admin):
    outage = Outage(monkeypatch)
    send(consumer(1))
    delivery = Delivery.objects.get()
    for day in range(1, providers.EmailProvider.max_attempts):
        later = timezone.now() + timedelta(days=day)
        services.deliveries_send([delivery.pk], now=later)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        "DEAD", providers.EmailProvider.max_attempts, None)
    assert services.deliveries_due(now=timezone.now() + timedelta(days=9)) == []
    dead = admin.get("/notification/api/v1/deliveries/", {"status": "DEAD"}).json()["results"]
    assert [d["id"] for d in dead] == [delivery.pk]

    outage.up = True
    replayed = admin.post(f"/notification/api/v1/deliveries/{delivery.pk}/replay/")
    assert replayed.status_code == 200
    assert replayed.json()["status"] == "SENT"
    assert len(mailoutbox) == 1
    again = admin.post(f"/notification/api/v1/deliveries/{delivery.pk}/replay/")
    assert again.status_code == 409
    assert again.json()["current"] == "SENT"


def test_a_permanent_error_is_dead_at_once_and_bulk_replay(monkeypatch, admin, mailoutbox):
    outage = Outage(monkeypatch, kind=providers.PERMANENT)
    send(consumer(1), consumer(2))
    assert set(Delivery.objects.values_list("status", "attempts")) == {("DEAD", 1)}
    outage.up = True
    answer = admin.post("/notification/api/v1/deliveries/replay/", {"channel": "email"},
                        format="json")
    assert answer.json() == {"replayed": 2}
    assert set(Delivery.objects.values_list("status", flat=True)) == {"SENT"}


def test_smtp_refusals_are_classified(monkeypatch):
    import smtplib

    provider = providers.EmailProvider()
    out = providers.Outgoing(1, consumer().consumer_id and __import__("uuid").uuid4(), "email",
                             "a@b.test", "s", "b")
    for exc, kind in ((smtplib.SMTPDataError(550, b"no such user"), providers.PERMANENT),
                      (smtplib.SMTPDataError(451, b"try later"), providers.THROTTLED),
                      (smtplib.SMTPServerDisconnected("gone"), providers.TRANSIENT),
                      (ConnectionRefusedError("down"), providers.TRANSIENT)):
        def boom(self, *a, _exc=exc, **k):
            raise _exc
        monkeypatch.setattr("django.core.mail.EmailMessage.send", boom)
        with provider.session(), pytest.raises(providers.ProviderError) as caught:
            provider.send(out)
        assert caught.value.kind == kind, exc


def test_a_send_lost_after_the_commit_is_swept_and_sent_once(monkeypatch, mailoutbox):
    """The worker dies after the inbox commit, before the send reached the broker."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: None)
    send(consumer(1))
    delivery = Delivery.objects.get()
    assert delivery.status == "QUEUED"
    assert not mailoutbox
    assert sweep_deliveries() == {"enqueued": 0}  # young: its task may still be on its way
    Delivery.objects.update(next_attempt_at=timezone.now() - services.STALE_QUEUED
                            - timedelta(seconds=1))
    assert sweep_deliveries() == {"enqueued": 1}
    delivery.refresh_from_db()
    assert delivery.status == "SENT"
    assert len(mailoutbox) == 1
    services.deliveries_send([delivery.pk])  # the lost task turns up after all: nothing
    assert len(mailoutbox) == 1


def test_an_interrupted_send_is_retried(mailoutbox, monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: None)
    send(consumer(1))
    Delivery.objects.update(status="SENDING", attempts=1,
                            updated_at=timezone.now() - services.STUCK_SENDING * 2)
    assert sweep_deliveries() == {"enqueued": 1}
    assert Delivery.objects.get().status == "SENT"


def test_the_providers_rate_limit_requeues_the_excess(settings, monkeypatch, mailoutbox):
    from smart360.redis import redis_client

    for key in redis_client().scan_iter("notification:rate:smtp:*"):
        redis_client().delete(key)
    settings.NOTIFICATION_RATE_LIMITS = {"smtp": 2}
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: None)
    send(*[consumer(n) for n in range(1, 6)])
    counts = services.deliveries_send(list(Delivery.objects.values_list("pk", flat=True)))
    assert counts["sent"] <= 2
    assert counts["throttled"] >= 3
    assert len(mailoutbox) == counts["sent"]
    waiting = Delivery.objects.filter(status="QUEUED")
    assert waiting.count() == counts["throttled"]
    assert set(waiting.values_list("attempts", flat=True)) == {0}  # no attempt used


def test_cancel_a_queued_delivery(admin, monkeypatch, mailoutbox):
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: None)
    send(consumer(1))
    delivery = Delivery.objects.get()
    answer = admin.post(f"/notification/api/v1/deliveries/{delivery.pk}/cancel/")
    assert answer.status_code == 200
    assert answer.json()["status"] == "CANCELLED"
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(hours=1))
    assert sweep_deliveries() == {"enqueued": 0}
    again = admin.post(f"/notification/api/v1/deliveries/{delivery.pk}/cancel/")
    assert again.status_code == 409
    assert not mailoutbox


def test_status_callback_marks_delivered(api, mailoutbox):
    from notification.messaging.api import callback_signature

    send(consumer(1))
    delivery = Delivery.objects.get()
    body = (f'{{"message_id": "{delivery.provider_message_id}", "status": "delivered"}}').encode()
    url = "/notification/api/v1/providers/smtp/status/"
    bad = api.post(url, body, content_type="application/json", HTTP_X_SMART360_SIGNATURE="x")
    assert bad.status_code == 403
    ok = api.post(url, body, content_type="application/json",
                  HTTP_X_SMART360_SIGNATURE=callback_signature(body))
    assert ok.status_code == 200, ok.content
    delivery.refresh_from_db()
    assert delivery.status == "DELIVERED"
    assert delivery.delivered_at
    unknown = b'{"message_id": "nope", "status": "delivered"}'
    assert api.post(url, unknown, content_type="application/json",
                    HTTP_X_SMART360_SIGNATURE=callback_signature(unknown)).status_code == 404


def test_activity_log_per_recipient(admin, monkeypatch, mailoutbox):
    outage = Outage(monkeypatch)
    send(consumer(1))
    outage.up = True
    delivery = Delivery.objects.get()
    services.deliveries_send([delivery.pk], now=timezone.now() + timedelta(hours=1))
    log = admin.get("/notification/api/v1/activity/", {"recipient": "rita1@example.com"}).json()
    assert [a["status"] for a in log["results"]] == ["SENT", "FAILED", "QUEUED"]
    assert admin.get("/notification/api/v1/activity/",
                     {"recipient": "rita2@example.com"}).json()["results"] == []
