"""The inbox: typed handlers, batches, parking what no retry can help, atomic replay."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from demoapp.contracts import ThingCounted, ThingHappened

from smart360.events import inbox
from smart360.events.envelope import Envelope
from smart360.events.inbox import replay_dead
from smart360.events.models import InboxEvent
from smart360.events.tasks import deliver

pytestmark = pytest.mark.django_db


def raw(event_type="demo.thing.happened", payload=None, **overrides) -> dict:
    return Envelope(**{
        "id": str(uuid.uuid4()), "type": event_type, "version": 1, "tenant": str(uuid.uuid4()),
        "occurred_at": "2026-01-01T00:00:00+00:00", "request_id": "",
        "payload": {"n": 1} if payload is None else payload, "source": "demo", **overrides,
    }).to_dict()


def dead(event_id: str) -> InboxEvent:
    return InboxEvent.objects.get(pk=event_id, status="dead")


def test_an_event_with_no_handler_is_parked_not_marked_handled():
    event = raw()  # nobody handles demo.thing.happened in this test
    assert deliver.apply(args=[[event]]).get()["parked"] == 1
    row = dead(event["id"])
    assert "no handler" in row.error
    assert row.envelope["id"] == event["id"]  # kept whole, to replay


def test_a_payload_that_breaks_the_contract_is_parked(received):
    event = raw(payload={"n": "seven"})
    assert deliver.apply(args=[[event]]).get()["parked"] == 1
    assert "contract" in dead(event["id"]).error
    assert received == []


def test_an_event_from_a_service_that_does_not_publish_it_is_parked(received):
    event = raw(source="notification")
    deliver.apply(args=[[event]]).get()
    assert "comes from demo" in dead(event["id"]).error
    assert received == []


def test_a_newer_version_than_this_service_reads_is_parked(received):
    event = raw(version=2)
    deliver.apply(args=[[event]]).get()
    assert "v2" in dead(event["id"]).error


def test_a_failing_handler_is_retried_then_dead_lettered():
    calls = []

    def broken(item):
        calls.append(item.id)
        raise ValueError("template missing")

    inbox.subscriber(ThingHappened)(broken)
    try:
        event = raw()
        result = deliver.apply(args=[[event]]).get()
    finally:
        inbox.unsubscribe(broken)
    assert result["failed"] == 1
    assert len(calls) == 5  # retried with backoff (eager here), then given up
    assert "template missing" in dead(event["id"]).error


def test_replay_of_a_dead_letter_is_atomic(received):
    event = raw()
    inbox.dead_letter(Envelope.from_dict(event), "no handler for demo.thing.happened")
    failing = []

    def broken(item):
        failing.append(item.id)
        raise RuntimeError("still broken")

    inbox.subscriber(ThingHappened)(broken)
    try:
        with pytest.raises(RuntimeError):
            replay_dead(event["id"])
    finally:
        inbox.unsubscribe(broken)
    row = dead(event["id"])  # a second failure keeps the dead letter
    assert (row.replays, "still broken" in row.error) == (1, True)
    received.clear()  # the good handler ran in the rolled-back attempt
    replay_dead(event["id"])  # the working handler now takes it
    assert InboxEvent.objects.get(pk=event["id"]).status == "handled"
    assert [r.id for r in received] == [event["id"]]


def test_a_batch_handler_gets_one_call_and_one_bulk_claim_per_batch(counted, django_assert_max_num_queries):
    events = [raw("demo.thing.counted", {"n": n, "amount": "1.10"}) for n in range(300)]
    with django_assert_max_num_queries(12):
        result = deliver.apply(args=[events]).get()
    assert result["handled"] == 300
    assert len(counted) == 1
    assert len(counted[0]) == 300
    assert counted[0][7].event == ThingCounted(n=7, amount=Decimal("1.10"))
    again = deliver.apply(args=[events[:10]]).get()
    assert (again["handled"], again["duplicates"]) == (0, 10)


def test_one_bad_event_does_not_hold_back_its_batch():
    seen: list[int] = []

    def picky(batch):
        if any(item.event.n == 13 for item in batch):
            raise ValueError("13 is unlucky")
        seen.extend(item.event.n for item in batch)

    inbox.subscriber(ThingCounted, batch=True)(picky)
    try:
        events = [raw("demo.thing.counted", {"n": n, "amount": "1"}) for n in range(20)]
        result = deliver.apply(args=[events]).get()
    finally:
        inbox.unsubscribe(picky)
    assert result["handled"] == 19
    assert sorted(seen) == [n for n in range(20) if n != 13]
    assert "unlucky" in dead(events[13]["id"]).error
