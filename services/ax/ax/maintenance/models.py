"""Preventive maintenance: plans (every N days or months, or every N units of usage) and the
periods they came due in, each announced once (`ax.maintenance.due` → a wx work order)."""

from __future__ import annotations

from django.db import models

from ax.assets.models import Asset
from smart360.django.models import TenantOwned


class MaintenancePlan(TenantOwned):
    class Kind(models.TextChoices):
        DAYS = "DAYS"  # every `interval` days from starts_on
        MONTHS = "MONTHS"  # every `interval` months from starts_on (clamped to month ends)
        USAGE = "USAGE"  # every `interval` units of the asset's usage counter

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="maintenance_plans")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    interval = models.DecimalField(max_digits=14, decimal_places=3)  # days/months: whole numbers
    starts_on = models.DateField()
    lead_days = models.PositiveSmallIntegerField(default=0)  # announce this many days early
    active = models.BooleanField(default=True)
    # The next period: its date (calendar plans) or the usage it comes due at (usage plans).
    # `next_fire_on` = next_due_on - lead_days, so the job's selection is one indexed range.
    next_period = models.PositiveIntegerField(default=0)  # calendar plans: k of starts_on + k·interval
    next_due_on = models.DateField(null=True, blank=True)
    next_fire_on = models.DateField(null=True, blank=True)
    next_due_usage = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(interval__gt=0), name="plan_interval_positive"),
        ]
        indexes = [
            # maintenance.services.maintenance_due_publish: calendar plans whose day has come.
            models.Index(fields=["next_fire_on"], condition=models.Q(active=True),
                         name="plan_active_fire_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind} {self.interval})"


class MaintenanceDue(TenantOwned):
    """A plan's period that came due: unique per (plan, period), so a re-run of the job, two beats
    or a reset plan never announce it twice. wx's completion of its work order closes it."""

    class Status(models.TextChoices):
        OPEN = "OPEN"
        COMPLETED = "COMPLETED"

    plan = models.ForeignKey(MaintenancePlan, on_delete=models.PROTECT, related_name="dues")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="maintenance_dues")
    period = models.CharField(max_length=40)  # "2026-12-01" (calendar) or "U5000" (usage)
    request_key = models.CharField(max_length=120)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    work_order_number = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "period"], name="uniq_due_plan_period"),
            models.UniqueConstraint(fields=["tenant_id", "request_key"], name="uniq_due_request_key"),
        ]
        indexes = [models.Index(fields=["tenant_id", "status", "due_on"], name="due_open_idx")]

    def __str__(self) -> str:
        return self.request_key
