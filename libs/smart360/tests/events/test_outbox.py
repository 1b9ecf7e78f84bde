"""Outbox, relay and inbox: nothing lost, nothing doubled (DESIGN §5)."""

from __future__ import annotations

import dataclasses
import json
import threading
import uuid

import pytest
from demoapp.contracts import ThingHappened
from django.db import connection, transaction
from kombu.exceptions import OperationalError

from smart360.contracts.cx import ConsumerCreated
from smart360.events import outbox, relay
from smart360.events.envelope import Envelope
from smart360.events.inbox import handle
from smart360.events.models import InboxEvent, OutboxEvent
from smart360.events.outbox import publish
from smart360.events.tasks import deliver

pytestmark = pytest.mark.django_db
TYPE = "demo.thing.happened"


def envelope(payload=None, **overrides) -> Envelope:
    fields = {"id": str(uuid.uuid4()), "type": TYPE, "version": 1, "tenant": None,
              "occurred_at": "2024-01-01T00:00:00+00:00", "request_id": "r1",
              "payload": {"n": 1} if payload is None else payload, "source": "demo"}
    return Envelope(**{**fields, **overrides})


def test_an_envelope_as_a_dict_has_every_field_and_round_trips():
    sent = envelope({"n": 1, "lines": [{"amount": "1.00"}]}, tenant=str(uuid.uuid4()))
    raw = sent.to_dict()
    generic = dataclasses.asdict(sent)
    del generic["traceparent"]  # tracing off: not sent
    assert raw == generic  # the same keys and values as the generic copy
    assert list(raw) == list(generic)
    traced = dataclasses.replace(sent, traceparent="00-" + "1" * 32 + "-" + "2" * 16 + "-01")
    assert traced.to_dict() == dataclasses.asdict(traced)
    assert Envelope.from_dict(json.loads(json.dumps(raw))) == sent
    raw["payload"]["n"] = 2  # the relay's dict is its own: the envelope keeps its payload
    assert sent.payload["n"] == 1


def test_publish_writes_the_outbox_in_the_callers_transaction():
    tenant = uuid.uuid4()

    def failing_write():
        with transaction.atomic():
            publish(ThingHappened(n=1), tenant_id=tenant)
            raise RuntimeError("the business write failed")

    with pytest.raises(RuntimeError):
        failing_write()
    assert not OutboxEvent.objects.exists()  # rolled back together

    event_id = publish(ThingHappened(n=2, note="x"), tenant_id=tenant)
    row = OutboxEvent.objects.get(pk=event_id)
    assert (row.tenant_id, row.sent_at, row.payload) == (tenant, None, {"n": 2, "note": "x"})


def test_publish_refuses_an_event_the_registry_does_not_list():
    with pytest.raises(ValueError, match="does not publish"):
        publish(ConsumerCreated(consumer_id=1, number="C1", name="A"), tenant_id=None)


def test_a_payload_that_breaks_its_contract_fails_the_write_not_the_relay():
    with pytest.raises(ValueError, match="n"):
        ThingHappened(n="not a number")


def test_commit_triggers_relay_and_subscriber_handles_it(received, django_capture_on_commit_callbacks):
    tenant = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        event_id = publish(ThingHappened(n=1), tenant_id=tenant)
    assert [r.id for r in received] == [str(event_id)]
    got = received[0]
    assert got.tenant_id == tenant
    assert got.event == ThingHappened(n=1)  # typed, validated on receipt
    assert got.source == "demo"
    assert OutboxEvent.objects.get(pk=event_id).sent_at is not None
    assert InboxEvent.objects.filter(pk=event_id, status="handled").exists()


def test_an_event_relayed_twice_is_handled_once(received):
    event_id = publish(ThingHappened(n=1), tenant_id=None)
    raw = OutboxEvent.objects.get(pk=event_id).envelope("demo").to_dict()
    first = deliver.apply(args=[[raw]]).get()
    second = deliver.apply(args=[[raw, raw]]).get()
    assert (first["handled"], first["duplicates"]) == (1, 0)
    assert (second["handled"], second["duplicates"]) == (0, 2)
    assert len(received) == 1


def test_relay_batches_many_events_per_message(monkeypatch):
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(relay, "send", lambda queue, envs: sent.append((queue, len(envs))))
    outbox.publish_many((ThingHappened(n=n) for n in range(1200)), tenant_id=None)
    assert relay.relay_pending() == {"sent": 1200, "more": False}
    assert sent == [("demo", 1000), ("demo", 200)]  # one message per queue per batch
    assert not OutboxEvent.objects.filter(sent_at__isnull=True).exists()
    assert relay.relay_batch() == 0


def test_events_published_while_the_broker_is_down_are_sent_later(monkeypatch, received):
    """The outbox keeps them; the sweep (or the next trigger) sends them once Redis is back."""

    def broker_down(queue, envelopes):
        raise OperationalError("Error 111 connecting to redis")

    monkeypatch.setattr(relay, "send", broker_down)
    event_id = publish(ThingHappened(n=1), tenant_id=None)
    with pytest.raises(OperationalError):
        relay.relay_batch()
    assert OutboxEvent.objects.get(pk=event_id).sent_at is None  # not marked, not lost

    monkeypatch.undo()
    assert relay.relay_pending()["sent"] == 1
    assert [r.id for r in received] == [str(event_id)]


def test_relay_trigger_tolerates_a_dead_redis(monkeypatch, django_capture_on_commit_callbacks):
    def dead():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(outbox, "redis_client", dead)
    with django_capture_on_commit_callbacks(execute=True):
        event_id = publish(ThingHappened(n=1), tenant_id=None)  # the request still succeeds
    assert OutboxEvent.objects.get(pk=event_id).sent_at is None


def test_handler_effects_and_inbox_row_commit_together(received):
    env = envelope()
    assert handle([env]) == (1, 0)
    assert handle([env]) == (0, 1)
    assert len(received) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_relays_skip_locked_rows(monkeypatch):
    """A row claimed by one relay is invisible to another: never sent twice in parallel."""
    monkeypatch.setattr(outbox, "trigger_relay", lambda: None)  # no eager relay on commit
    publish(ThingHappened(n=1), tenant_id=None)
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
