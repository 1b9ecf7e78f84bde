from __future__ import annotations

from celery.schedules import crontab
from django.utils import timezone

from notification.messaging import services
from smart360.celery.tasks import platform_task
from smart360.jobs.schedule import job


@platform_task("notification.send_delivery", expires=24 * 3600)
def send_delivery(delivery_id: int) -> str:
    return services.delivery_send(delivery_id=delivery_id)


@job(crontab())
def retry_failed_deliveries() -> dict[str, int]:
    due = services.deliveries_due_for_retry(now=timezone.now())
    for delivery_id in due:
        send_delivery.delay(delivery_id)  # no transaction is open here
    return {"retried": len(due)}
