"""Work orders for the field force, with an SLA due time."""

from __future__ import annotations

from django.db import models

from smart360.django.models import TenantOwned


class WorkOrder(TenantOwned):
    class Kind(models.TextChoices):
        SITE_INSPECTION = "SITE_INSPECTION"
        INSTALLATION = "INSTALLATION"
        DISCONNECTION = "DISCONNECTION"
        RECONNECTION = "RECONNECTION"
        METER_REPLACEMENT = "METER_REPLACEMENT"
        PREVENTIVE_MAINTENANCE = "PREVENTIVE_MAINTENANCE"
        REPAIR = "REPAIR"

    class Status(models.TextChoices):
        CREATED = "CREATED"
        ASSIGNED = "ASSIGNED"
        ACCEPTED = "ACCEPTED"
        IN_PROGRESS = "IN_PROGRESS"
        COMPLETED = "COMPLETED"
        CLOSED = "CLOSED"
        HOLD = "HOLD"
        REJECTED = "REJECTED"
        FAILED = "FAILED"

    # Finished one way or another; everything else (HOLD included: the customer is still
    # waiting) is open and counts against the SLA.
    FINISHED = (Status.COMPLETED, Status.CLOSED, Status.REJECTED, Status.FAILED)

    number = models.CharField(max_length=40)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CREATED)
    zone = models.CharField(max_length=60)  # onboarding's zone code; drives auto-assignment
    due_at = models.DateTimeField()
    sla_breached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "number"], name="uniq_work_order_number")
        ]
        indexes = [
            # The SLA monitor: open orders past due and not yet flagged.
            models.Index(
                fields=["due_at"],
                condition=models.Q(sla_breached_at__isnull=True)
                & ~models.Q(status__in=["COMPLETED", "CLOSED", "REJECTED", "FAILED"]),
                name="workorder_sla_open_idx",
            ),
            models.Index(fields=["tenant_id", "zone", "status"], name="workorder_zone_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.kind} ({self.status})"
