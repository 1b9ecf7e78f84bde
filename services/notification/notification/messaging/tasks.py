from __future__ import annotations

from celery.schedules import crontab
from django.utils import timezone

from notification.messaging import services
from smart360.celery.tasks import platform_task
from smart360.jobs.schedule import job


@platform_task("notification.send_deliveries", expires=24 * 3600)
def send_deliveries(delivery_ids: list[int]) -> dict[str, int]:
    return services.deliveries_send(delivery_ids)


@platform_task("notification.send_delivery", expires=24 * 3600)
def send_delivery(delivery_id: int) -> dict[str, int]:
    """The single-id task of earlier releases (messages still queued under its name)."""
    return services.deliveries_send([delivery_id])


@platform_task("notification.dispatch_message", expires=24 * 3600)
def dispatch_message(message_id: int) -> int:
    return services.message_dispatch(message_id=message_id)


@job(crontab())
def sweep_deliveries() -> dict[str, int]:
    """Every minute: retries whose backoff is over, QUEUED rows whose send task was lost (a
    worker died between the commit and the broker), sends interrupted mid-way."""
    due = services.deliveries_due(now=timezone.now())
    return {"enqueued": services.deliveries_enqueue(due)}


@job(crontab())
def send_scheduled_messages() -> dict[str, int]:
    """Every minute: scheduled messages whose time came (and dispatches that died mid-way)."""
    due = services.messages_due(now=timezone.now())
    for message_id in due:
        dispatch_message.delay(message_id)  # no transaction is open here
    return {"dispatched": len(due)}
