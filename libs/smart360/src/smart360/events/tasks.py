"""The relay task (per service name) and the delivery task (the same name in every service)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from smart360.celery import platform_task
from smart360.conf import service_name
from smart360.events import relay
from smart360.events.envelope import Envelope
from smart360.events.handlers import dead_letter, handle
from smart360.events.outbox import pending_key
from smart360.events.schedule import relay_task_name
from smart360.logging import get_logger
from smart360.redis import redis_client
from smart360.registry import load

log = get_logger(__name__)
MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 5


@platform_task(relay_task_name(settings.SMART360_SERVICE), expires=300)
def relay_outbox() -> dict[str, Any]:
    try:
        redis_client().delete(pending_key(settings.SMART360_SERVICE))
    except Exception as exc:  # the drain below still works; the broker may be the problem
        log.warning("relay_pending_key_failed", error=str(exc))
    result = relay.relay_pending()
    if result["more"]:
        relay_outbox.apply_async()
    return result


@platform_task("smart360.events.deliver")
def deliver(envelopes: list[dict[str, Any]], attempt: int = 1) -> dict[str, int]:
    """Handle a batch; each event in its own transaction. Failures retry with backoff, then
    become dead letters; the rest of the batch is not held back by one bad event."""
    handled = duplicates = 0
    failed: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    for raw in envelopes:
        envelope = Envelope.from_dict(raw)
        try:
            if handle(envelope):
                handled += 1
            else:
                duplicates += 1
        except Exception as exc:
            log.exception("event_handler_failed", event_id=envelope.id, type=envelope.type,
                          attempt=attempt)
            failed.append(raw)
            errors[envelope.id] = f"{type(exc).__name__}: {exc}"
    if failed and attempt < MAX_ATTEMPTS:
        deliver.apply_async(
            args=[failed, attempt + 1],
            queue=load().service(service_name()).queue,
            countdown=RETRY_BASE_SECONDS * 2 ** (attempt - 1),
        )
    elif failed:
        for raw in failed:
            dead_letter(Envelope.from_dict(raw), errors[str(raw["id"])])
            log.error("event_dead_lettered", event_id=raw["id"], type=raw["type"])
    return {"handled": handled, "duplicates": duplicates, "failed": len(failed)}
