"""The relay: unsent outbox rows -> one Celery message per subscriber queue per batch.

Rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED, so several relays (workers, the beat
sweep) run side by side without sending a row twice; a row is marked sent in the same
transaction, after the broker accepted the messages. A crash between send and commit resends
the batch, and the subscribers' inboxes drop the duplicates.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import timedelta
from typing import Any

from celery import current_app
from django.db import transaction
from django.utils import timezone

from smart360.celery.tasks import dispatch
from smart360.conf import service_name
from smart360.events.models import OutboxEvent
from smart360.registry import load

BATCH_SIZE = 1000
MESSAGE_SIZE = 500  # envelopes per Celery message
DRAIN_SECONDS = 20.0  # one relay task stops after this and queues itself again if needed
DELIVER_TASK = "smart360.events.deliver"  # the same name in every service: its own queue picks


def send(queue: str, envelopes: list[dict[str, Any]]) -> None:
    if current_app.conf.task_always_eager and queue not in load().service(service_name()).queues:
        return  # unit tests run tasks inline: another service's inbox is not in this process
    for start in range(0, len(envelopes), MESSAGE_SIZE):
        dispatch(
            DELIVER_TASK,
            args=[envelopes[start : start + MESSAGE_SIZE]],
            queue=queue,
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        )


def relay_batch(*, limit: int = BATCH_SIZE) -> int:
    """Send one batch of unsent rows; returns how many rows were sent."""
    registry = load()
    source = service_name()
    with transaction.atomic():
        rows = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True)
            .order_by("created_at")[:limit]
        )
        if not rows:
            return 0
        by_queue: dict[str, list[dict[str, Any]]] = defaultdict(list)
        queues = {event_type: [s.queue for s in registry.subscribers(event_type)]
                  for event_type in {row.type for row in rows}}
        for row in rows:
            envelope = row.envelope(source).to_dict()  # built once, sent to every subscriber
            for queue in queues[row.type]:
                by_queue[queue].append(envelope)
        for queue, envelopes in by_queue.items():
            send(queue, envelopes)
        OutboxEvent.objects.filter(pk__in=[r.pk for r in rows]).update(sent_at=timezone.now())
    return len(rows)


def relay_pending(*, max_seconds: float = DRAIN_SECONDS) -> dict[str, int | bool]:
    """Drain the outbox batch by batch; `more` says the time budget ran out first."""
    deadline = time.monotonic() + max_seconds
    sent = 0
    while True:
        n = relay_batch()
        sent += n
        if n < BATCH_SIZE:
            return {"sent": sent, "more": False}
        if time.monotonic() > deadline:
            return {"sent": sent, "more": True}


def purge_sent(*, older_than_days: int = 7) -> int:
    """Sent rows are history only; keep a week for debugging."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = OutboxEvent.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
