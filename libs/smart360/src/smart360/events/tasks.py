"""The relay job (per service name, every minute and on commit) and the delivery task (the same
name in every service; each worker takes it from its own queue)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

from celery.schedules import crontab

from smart360.celery.tasks import dispatch, platform_task
from smart360.conf import service_name
from smart360.contracts import Event
from smart360.events import relay
from smart360.events.envelope import Envelope
from smart360.events.inbox import Parked, Received, dead_letter, handle_received, receive
from smart360.events.outbox import pending_key, relay_task_name
from smart360.jobs.schedule import job
from smart360.logging import get_logger
from smart360.redis import redis_client
from smart360.registry import load

log = get_logger(__name__)
MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 5


@job(crontab(), name=relay_task_name(service_name()), expires=50, platform=True,
     applies=lambda svc: bool(svc.publishes))
def relay_outbox() -> dict[str, Any]:
    """Send what the on-commit trigger missed (broker down, a lost message); drain in slices."""
    try:
        redis_client().delete(pending_key(service_name()))
    except Exception as exc:  # the drain below still works; the broker may be the problem
        log.warning("relay_pending_key_failed", error=str(exc))
    result = relay.relay_pending()
    if result["more"]:
        dispatch(relay_task_name(service_name()), queue=load().service(service_name()).queue)
    return result


@job(crontab(minute=17, hour=3), platform=True, name="smart360.events.purge_sent")
def purge_sent() -> dict[str, int]:
    return {"deleted": relay.purge_sent()}


def _runs(received: list[Received[Event]]) -> Iterator[list[Received[Event]]]:
    """Consecutive events of one type: each run is handled in one transaction."""
    for _, run in groupby(received, key=lambda r: r.event.type):
        yield list(run)


@platform_task(relay.DELIVER_TASK)
def deliver(envelopes: list[dict[str, Any]], attempt: int = 1) -> dict[str, int]:
    """Handle a batch: events of one type together (one bulk inbox claim, one transaction); if
    that fails, one by one, so one bad event does not hold back the rest. Failures retry with
    backoff, then become dead letters; events no retry can help are parked at once."""
    counts = {"handled": 0, "duplicates": 0, "parked": 0, "failed": 0}
    valid: list[Received[Event]] = []
    by_id: dict[str, dict[str, Any]] = {}
    for raw in envelopes:
        envelope = Envelope.from_dict(raw)
        try:
            valid.append(receive(envelope))
            by_id[envelope.id] = raw
        except Parked as reason:
            counts["parked"] += dead_letter(envelope, str(reason))
            log.error("event_parked", event_id=envelope.id, type=envelope.type, reason=str(reason))
    failed: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for run in _runs(valid):
        attempts = [run] if len(run) == 1 else [run, *([r] for r in run)]
        for chunk in attempts:
            try:
                handled, duplicates = handle_received(chunk)
            except Exception as exc:
                if chunk is run and len(run) > 1:
                    continue  # the batch failed: now each event on its own
                log.exception("event_handler_failed", event_id=chunk[0].id,
                              type=chunk[0].event.type, attempt=attempt)
                failed.append(by_id[chunk[0].id])
                errors[chunk[0].id] = f"{type(exc).__name__}: {exc}"
                continue
            counts["handled"] += handled
            counts["duplicates"] += duplicates
            if chunk is run:
                break  # the whole batch went through
    if failed and attempt < MAX_ATTEMPTS:
        deliver.apply_async(args=[failed, attempt + 1], queue=load().service(service_name()).queue,
                            countdown=RETRY_BASE_SECONDS * 2 ** (attempt - 1))
    elif failed:
        for raw in failed:
            dead_letter(Envelope.from_dict(raw), errors[str(raw["id"])])
            log.error("event_dead_lettered", event_id=raw["id"], type=raw["type"])
    counts["failed"] = len(failed)
    return counts
