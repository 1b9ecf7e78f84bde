"""Read cycles: when each area's meters of one utility service are due to be read."""

from __future__ import annotations

from django.db import models

from smart360.django.models import TenantOwned


class ReadCycle(TenantOwned):
    class Status(models.TextChoices):
        SCHEDULED = "SCHEDULED"
        IN_PROGRESS = "IN_PROGRESS"
        COMPLETED = "COMPLETED"
        DELAYED = "DELAYED"
        PAUSED = "PAUSED"

    OPEN = (Status.SCHEDULED, Status.IN_PROGRESS)  # still being worked, so it can run late

    name = models.CharField(max_length=120)
    # References into onboarding's configuration (projected from its events, never joined).
    area_ref = models.CharField(max_length=60)
    utility_service = models.CharField(max_length=40)
    scheduled_start_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    delayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant_id", "area_ref", "utility_service", "scheduled_start_on"],
                name="uniq_read_cycle_per_area_service_start",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("scheduled_start_on")),
                name="read_cycle_due_after_start",
            ),
        ]
        indexes = [
            # The overdue sweep: open cycles by due date.
            models.Index(
                fields=["due_on"],
                condition=models.Q(status__in=["SCHEDULED", "IN_PROGRESS"]),
                name="readcycle_open_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"
