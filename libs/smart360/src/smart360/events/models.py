"""The outbox (what this service published) and the inbox (what it has handled)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from smart360.events.envelope import Envelope


class OutboxEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=100)
    version = models.PositiveSmallIntegerField(default=1)
    tenant_id = models.UUIDField(null=True, blank=True)
    occurred_at = models.DateTimeField()
    request_id = models.CharField(max_length=128, blank=True)
    # The publish span (W3C traceparent) when tracing is on; a database default, so COPY and
    # older code may leave it out. Adding it is a catalog change only (PostgreSQL 11+).
    traceparent = models.CharField(max_length=128, blank=True, default="", db_default="")
    payload = models.JSONField()
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [
            # The relay's hot query: unsent rows, oldest first. Sent rows are not in the index.
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True),
                         name="outbox_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"

    def envelope(self, source: str) -> Envelope:
        return Envelope(
            id=str(self.id),
            type=self.type,
            version=self.version,
            tenant=str(self.tenant_id) if self.tenant_id else None,
            occurred_at=self.occurred_at.isoformat(),
            request_id=self.request_id,
            payload=self.payload,
            source=source,
            traceparent=self.traceparent,
        )


class InboxEvent(models.Model):
    """One row per event id this service has handled, or parked as a dead letter (a handler kept
    failing, no handler, a payload its contract refuses): kept with its envelope to replay."""

    class Status(models.TextChoices):
        HANDLED = "handled"
        DEAD = "dead"

    id = models.UUIDField(primary_key=True)
    type = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HANDLED)
    envelope = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    replays = models.PositiveIntegerField(default=0)  # failed replays of a dead letter

    class Meta:
        indexes = [
            # `events dead` and the console: dead letters newest first; handled rows stay out.
            models.Index(fields=["-received_at"], condition=Q(status="dead"), name="inbox_dead_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id} ({self.status})"
