"""Writes of messaging: turn an event into deliveries; send them; retry with backoff."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.template import Context, Engine
from django.utils import timezone

from notification.messaging.models import Channel, Delivery, Template
from smart360.celery.tasks import enqueue_on_commit
from smart360.contracts import Event
from smart360.events.inbox import Received
from smart360.logging import get_logger

log = get_logger(__name__)
MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(minutes=1)  # 1, 2, 4, 8 minutes between attempts
STUCK_AFTER = timedelta(minutes=10)  # a "sending" row older than this was interrupted
_engine = Engine(autoescape=False)  # plain-text mail: no HTML escaping


def template_for(*, tenant_id: uuid.UUID | None, event_type: str, channel: str, locale: str
                 ) -> Template | None:
    """The tenant's template, else the platform's; the locale, else English."""
    candidates = Template.objects.filter(
        Q(tenant_id=tenant_id) | Q(tenant_id__isnull=True),
        event_type=event_type, channel=channel, locale__in=[locale, "en"], is_active=True,
    )
    return min(candidates, default=None,
               key=lambda t: (t.tenant_id is None, t.locale != locale))


def render(text: str, payload: dict[str, object]) -> str:
    return _engine.from_string(text).render(Context(payload))


def deliveries_create_for_event(*, received: Received[Event]) -> list[Delivery]:
    """Runs in the inbox transaction: rows and their send tasks commit with the event id."""
    payload = received.event.payload()
    event_type = received.event.type
    recipient = str(payload.get("email") or "")
    if not recipient:
        log.info("notification_no_recipient", event_id=received.id, type=event_type)
        return []
    locale = str(payload.get("locale") or "en")
    template = template_for(tenant_id=received.tenant_id, event_type=event_type,
                            channel=Channel.EMAIL, locale=locale)
    if template is None:
        log.info("notification_no_template", event_id=received.id, type=event_type)
        return []
    context = {**payload, "event": {"id": received.id, "type": event_type}}
    delivery, created = Delivery.objects.get_or_create(
        event_id=received.id, channel=Channel.EMAIL, recipient=recipient,
        defaults={"tenant_id": received.tenant_id or uuid.UUID(int=0),
                  "event_type": event_type,
                  "subject": render(template.subject, context)[:200],
                  "body": render(template.body, context)},
    )
    if created:
        enqueue_on_commit("notification.send_delivery", delivery.pk)
    return [delivery]


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> str:
    """Claim (pending/failed -> sending), send, record. A second run of the same id is a no-op."""
    now = now or timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status__in=[Delivery.Status.PENDING, Delivery.Status.FAILED]
    ).update(status=Delivery.Status.SENDING, attempts=F("attempts") + 1, updated_at=now)
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.get(pk=delivery_id)
    try:
        send_mail(delivery.subject, delivery.body, settings.DEFAULT_FROM_EMAIL,
                  [delivery.recipient])
    except Exception as exc:  # SMTP down, refused, timeout: retry later, then dead letter
        dead = delivery.attempts >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery_id).update(
            status=Delivery.Status.DEAD if dead else Delivery.Status.FAILED,
            next_attempt_at=None if dead else now + BACKOFF_BASE * 2 ** (delivery.attempts - 1),
            last_error=f"{type(exc).__name__}: {exc}"[:2000], updated_at=now,
        )
        log.warning("delivery_failed", delivery_id=delivery_id, attempts=delivery.attempts,
                    dead=dead, error=str(exc))
        return "dead" if dead else "failed"
    Delivery.objects.filter(pk=delivery_id).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="", updated_at=now
    )
    return "sent"


def deliveries_due_for_retry(*, now: datetime, limit: int = 500) -> list[int]:
    """Failed deliveries whose backoff is over, plus sends interrupted mid-way."""
    Delivery.objects.filter(
        status=Delivery.Status.SENDING, updated_at__lt=now - STUCK_AFTER
    ).update(status=Delivery.Status.FAILED, next_attempt_at=now)
    due = Delivery.objects.filter(status=Delivery.Status.FAILED, next_attempt_at__lte=now)
    return list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
