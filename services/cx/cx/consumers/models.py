"""Consumers, their accounts (one per connection) and the changes asked of a connection."""

from __future__ import annotations

from django.db import models

from smart360.django.models import TenantOwned

LOCALES = ["en", "es", "fr", "pt"]


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
    locale = models.CharField(max_length=8, default="en")
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.CREATED)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "number"], name="uniq_consumer_number")
        ]
        indexes = [models.Index(fields=["tenant_id", "status"], name="consumer_tenant_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Account(TenantOwned):
    """One connection of a consumer to a utility service at a premise, billed under `number`.

    Configuration fields hold onboarding's ids (as the setup projections do)."""

    class Status(models.TextChoices):
        CONNECTED = "CONNECTED"
        TEMPORARILY_DISCONNECTED = "TEMPORARILY_DISCONNECTED"
        PERMANENTLY_DISCONNECTED = "PERMANENTLY_DISCONNECTED"
        ARCHIVED = "ARCHIVED"

    number = models.CharField(max_length=40)
    consumer = models.ForeignKey(Consumer, on_delete=models.PROTECT, related_name="accounts")
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.CONNECTED)
    utility_service = models.BigIntegerField()
    category = models.BigIntegerField()
    plan = models.BigIntegerField()
    area = models.BigIntegerField()
    premise = models.CharField(max_length=300)
    meter_serial = models.CharField(max_length=64, blank=True)
    initial_reading = models.DecimalField(max_digits=14, decimal_places=3, default=0)
    connected_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "number"], name="uniq_account_number")
        ]
        indexes = [
            models.Index(fields=["tenant_id", "status"], name="account_tenant_status_idx"),
            models.Index(fields=["tenant_id", "connected_at"], name="account_tenant_connected_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"


class ConnectionRequest(TenantOwned):
    """A disconnection, reconnection or transfer of an account: done by a wx work order
    (`request_key`), applied when its completion comes back."""

    class Kind(models.TextChoices):
        DISCONNECTION = "DISCONNECTION"
        RECONNECTION = "RECONNECTION"
        TRANSFER = "TRANSFER"

    class Status(models.TextChoices):
        REQUESTED = "REQUESTED"
        COMPLETED = "COMPLETED"
        FAILED = "FAILED"

    class Origin(models.TextChoices):
        STAFF = "STAFF"
        COLLECTIONS = "COLLECTIONS"  # rx: the final notice went unanswered

    number = models.CharField(max_length=40)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.STAFF)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="requests")
    permanent = models.BooleanField(default=False)  # a disconnection for good
    to_consumer = models.ForeignKey(Consumer, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="transfers_in")  # a transfer's new holder
    reason = models.CharField(max_length=500)
    request_key = models.CharField(max_length=200)
    outcome_notes = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "request_key"], name="uniq_connreq_key"),
            models.UniqueConstraint(fields=["tenant_id", "number"], name="uniq_connreq_number"),
            # One change at a time per account: a second one waits for the first's work order.
            models.UniqueConstraint(fields=["tenant_id", "account"], condition=models.Q(status="REQUESTED"),
                                    name="uniq_connreq_open_per_account"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.kind} ({self.status})"
