"""Bill schedules and the bill runs they fire, one run per schedule and period."""

from __future__ import annotations

from django.db import models

from smart360.django.models import TenantOwned


class BillSchedule(TenantOwned):
    cycle_name = models.CharField(max_length=80)
    utility_service = models.CharField(max_length=40)
    period_months = models.PositiveSmallIntegerField(default=1)
    # The day the next run fires; it bills the period that ended the day before.
    next_run_on = models.DateField()
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "cycle_name"], name="uniq_bill_cycle_name"),
            models.CheckConstraint(
                condition=models.Q(period_months__gte=1, period_months__lte=12),
                name="bill_schedule_period_1_to_12_months",
            ),
            # A run day every month has (1-28): adding months never clamps, so cycles never drift.
            models.CheckConstraint(
                condition=models.Q(next_run_on__day__lte=28),
                name="bill_schedule_runs_on_day_1_to_28",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_run_on"], condition=models.Q(active=True), name="billschedule_due_idx"
            )
        ]

    def __str__(self) -> str:
        return self.cycle_name


class BillRun(TenantOwned):
    class Status(models.TextChoices):
        QUEUED = "QUEUED"
        COLLECTING = "COLLECTING"
        RATING = "RATING"
        VALIDATING = "VALIDATING"
        GENERATED = "GENERATED"
        APPROVED = "APPROVED"
        ISSUED = "ISSUED"
        FAILED = "FAILED"

    schedule = models.ForeignKey(BillSchedule, on_delete=models.PROTECT, related_name="runs")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)

    class Meta:
        constraints = [
            # A period is billed once: re-firing a schedule or a crashed beat never doubles a run.
            models.UniqueConstraint(
                fields=["schedule", "period_start"], name="uniq_bill_run_per_schedule_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="bill_run_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id} {self.period_start}..{self.period_end} ({self.status})"
