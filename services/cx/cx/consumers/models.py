"""Consumers and their service requests (SLA-tracked)."""

from __future__ import annotations

from django.db import models

from smart360.django.models import TenantOwned


class Consumer(TenantOwned):
    class Status(models.TextChoices):
        CREATED = "CREATED"
        APPROVED = "APPROVED"
        INSTALLED = "INSTALLED"
        CONNECTED = "CONNECTED"
        TEMPORARILY_DISCONNECTED = "TEMPORARILY_DISCONNECTED"
        PERMANENTLY_DISCONNECTED = "PERMANENTLY_DISCONNECTED"
        ARCHIVED = "ARCHIVED"

    number = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.CREATED)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "number"], name="uniq_consumer_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class ServiceRequest(TenantOwned):
    class Priority(models.TextChoices):
        LOW = "LOW"
        MEDIUM = "MEDIUM"
        HIGH = "HIGH"
        EMERGENCY = "EMERGENCY"

    class Status(models.TextChoices):
        OPEN = "OPEN"
        IN_PROGRESS = "IN_PROGRESS"
        RESOLVED = "RESOLVED"

    consumer = models.ForeignKey(Consumer, on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(max_length=60)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    resolution_due_at = models.DateTimeField()
    breached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The SLA sweep: open requests past due and not yet flagged.
            models.Index(
                fields=["resolution_due_at"],
                condition=models.Q(breached_at__isnull=True) & ~models.Q(status="RESOLVED"),
                name="sr_sla_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.status})"
