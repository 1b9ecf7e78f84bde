"""Templates per (event type, channel, locale) and the delivery log (retries, dead letters)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from smart360.django.models import TenantOwned


class Channel(models.TextChoices):
    EMAIL = "email"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    IN_APP = "in_app"


class Template(models.Model):
    """tenant_id NULL = the platform default; a tenant's own template overrides it."""

    tenant_id = models.UUIDField(null=True, blank=True)
    event_type = models.CharField(max_length=100)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    locale = models.CharField(max_length=10, default="en")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "event_type", "channel", "locale"],
                                    name="uniq_template", nulls_distinct=False)
        ]

    def __str__(self) -> str:
        return f"{self.event_type}/{self.channel}/{self.locale}"


class Delivery(TenantOwned):
    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"  # will be retried at next_attempt_at
        DEAD = "dead"  # gave up after MAX_ATTEMPTS

    event_id = models.UUIDField()
    event_type = models.CharField(max_length=100)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One message per event, channel and recipient, however often the event arrives.
            models.UniqueConstraint(fields=["event_id", "channel", "recipient"],
                                    name="uniq_delivery")
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="failed"),
                         name="delivery_retry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} -> {self.recipient} ({self.status})"
