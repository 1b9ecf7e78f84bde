"""Outbox, relay and inbox: nothing lost, nothing doubled (DESIGN §5)."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, transaction
from kombu.exceptions import OperationalError

from smart360.events import Envelope, publish, relay
from smart360.events.handlers import handle
from smart360.events.models import InboxEvent, OutboxEvent
from smart360.events.tasks import deliver

pytestmark = pytest.mark.django_db
TYPE = "demo.thing.happened"


def test_publish_writes_the_outbox_in_the_callers_transaction():
    tenant = uuid.uuid4()
    def failing_write():
        with transaction.atomic():
            publish(TYPE, {"n": 1}, tenant)
            raise RuntimeError("the business write failed")

    with pytest.raises(RuntimeError):
        failing_write()
    assert not OutboxEvent.objects.exists()  # rolled back together

    event_id = publish(TYPE, {"n": 2, "at": uuid.uuid4()}, tenant)
    row = OutboxEvent.objects.get(pk=event_id)
    assert row.tenant_id == tenant
    assert row.sent_at is None
    assert row.payload["n"] == 2


def test_publish_refuses_an_event_the_registry_does_not_list():
    with pytest.raises(ValueError, match="does not publish"):
        publish("cx.consumer.created", {}, None)


def test_commit_triggers_relay_and_subscriber_handles_it(received, django_capture_on_commit_callbacks):
    tenant = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        event_id = publish(TYPE, {"n": 1}, tenant)
    assert [e.id for e in received] == [str(event_id)]
    envelope = received[0]
    assert envelope.tenant_id == tenant
    assert envelope.payload == {"n": 1}
    assert envelope.version == 1
    assert OutboxEvent.objects.get(pk=event_id).sent_at is not None
    assert InboxEvent.objects.filter(pk=event_id, status="handled").exists()


def test_an_event_relayed_twice_is_handled_once(received):
    event_id = publish(TYPE, {"n": 1}, None)
    envelope = OutboxEvent.objects.get(pk=event_id).envelope().to_dict()
    first = deliver.apply(args=[[envelope]]).get()
    second = deliver.apply(args=[[envelope, envelope]]).get()
    assert first == {"handled": 1, "duplicates": 0, "failed": 0}
    assert second == {"handled": 0, "duplicates": 2, "failed": 0}
    assert len(received) == 1


def test_relay_batches_many_events_per_message(monkeypatch):
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(relay, "send", lambda queue, envs: sent.append((queue, len(envs))))
    for n in range(1200):
        publish(TYPE, {"n": n}, None)
    assert relay.relay_pending() == {"sent": 1200, "more": False}
    assert sent == [("demo", 1000), ("demo", 200)]  # one message per queue per batch
    assert not OutboxEvent.objects.filter(sent_at__isnull=True).exists()
    assert relay.relay_batch() == 0


def test_events_published_while_the_broker_is_down_are_sent_later(monkeypatch, received):
    """The outbox keeps them; the sweep (or the next trigger) sends them once Redis is back."""

    def broker_down(queue, envelopes):
        raise OperationalError("Error 111 connecting to redis")

    monkeypatch.setattr(relay, "send", broker_down)
    event_id = publish(TYPE, {"n": 1}, None)
    with pytest.raises(OperationalError):
        relay.relay_batch()
    assert OutboxEvent.objects.get(pk=event_id).sent_at is None  # not marked, not lost

    monkeypatch.undo()
    assert relay.relay_pending()["sent"] == 1
    assert [e.id for e in received] == [str(event_id)]


def test_relay_trigger_tolerates_a_dead_redis(monkeypatch, django_capture_on_commit_callbacks):
    from smart360.events import outbox as publish_module

    def dead():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(publish_module, "redis_client", dead)
    with django_capture_on_commit_callbacks(execute=True):
        event_id = publish(TYPE, {"n": 1}, None)  # the request still succeeds
    assert OutboxEvent.objects.get(pk=event_id).sent_at is None


def test_a_failing_handler_rolls_back_its_inbox_row_and_dead_letters_at_the_end():
    calls = []

    def broken(envelope):
        calls.append(envelope.id)
        raise ValueError("template missing")

    from smart360.events import handlers

    handlers.subscriber(TYPE)(broken)
    try:
        env = Envelope(str(uuid.uuid4()), TYPE, 1, None, "2024-01-01T00:00:00+00:00", "", {})
        result = deliver.apply(args=[[env.to_dict()]]).get()
    finally:
        handlers._handlers[TYPE].remove(broken)
    assert result["failed"] == 1
    assert len(calls) == 5  # retried with backoff (eager here), then given up
    dead = InboxEvent.objects.get(pk=env.id)
    assert dead.status == "dead"
    assert "template missing" in dead.error
    assert dead.envelope["id"] == env.id


def test_handler_effects_and_inbox_row_commit_together(received):
    env = Envelope(str(uuid.uuid4()), TYPE, 1, None, "2024-01-01T00:00:00+00:00", "r1", {"a": 1})
    assert handle(env) is True
    assert handle(env) is False
    assert len(received) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_relays_skip_locked_rows(monkeypatch):
    """A row claimed by one relay is invisible to another: never sent twice in parallel."""
    from smart360.events import outbox

    monkeypatch.setattr(outbox, "trigger_relay", lambda: None)  # no eager relay on commit
    publish(TYPE, {"n": 1}, None)
    other_result: list[int] = []
    with transaction.atomic():
        claimed = list(OutboxEvent.objects.select_for_update().filter(sent_at__isnull=True))
        assert len(claimed) == 1

        def other_relay():
            try:
                other_result.append(relay.relay_batch())
            finally:
                connection.close()

        thread = threading.Thread(target=other_relay)
        thread.start()
        thread.join(timeout=10)
    assert other_result == [0]
    assert relay.relay_batch() == 1  # released: the next relay sends it
    OutboxEvent.objects.all().delete()
    InboxEvent.objects.all().delete()
