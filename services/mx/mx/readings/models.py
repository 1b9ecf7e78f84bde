"""Read cycles and their schedules, readings with their validation, overrides (the audit)."""

from __future__ import annotations

from django.db import models

from mx.meters.models import Meter, Route
from smart360.django.models import TenantOwned


class ReadSchedule(TenantOwned):
    """When an area's meters of one service are read: a cycle opens every `period_months` on
    `next_open_on` (a date in the tenant's calendar) and is due `window_days` later."""

    area_ref = models.CharField(max_length=60)
    utility_service = models.CharField(max_length=40)
    name = models.CharField(max_length=120)
    next_open_on = models.DateField()
    period_months = models.PositiveSmallIntegerField(default=1)
    window_days = models.PositiveSmallIntegerField(default=7)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "area_ref", "utility_service"],
                                    name="uniq_read_schedule_area_service"),
            models.CheckConstraint(condition=models.Q(period_months__gte=1, window_days__gte=1),
                                   name="read_schedule_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} next {self.next_open_on}"


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
    schedule = models.ForeignKey(ReadSchedule, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="cycles")
    # Set once the meters left unread have their MISSING reading (the sweep is idempotent).
    missing_marked_at = models.DateTimeField(null=True, blank=True)

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


class RouteDispatch(TenantOwned):
    """A route handed to a reader for one cycle (once per cycle and route)."""

    cycle = models.ForeignKey(ReadCycle, on_delete=models.CASCADE, related_name="dispatches")
    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="dispatches")
    reader = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "route"], name="uniq_dispatch")]

    def __str__(self) -> str:
        return f"cycle {self.cycle_id} route {self.route_id}"


class Reading(TenantOwned):
    """One reading of a meter and what validation made of it.

    `consumption` is measured from the meter's last validated reading (`previous_*`); only PASS
    and EXEMPTION readings become the next base and are published (`mx.reading.validated`).
    The installation reading is the first base (source INSTALLATION, PASS, consumption 0, not
    published: it bills nothing)."""

    class Status(models.TextChoices):
        PASS = "PASS"  # noqa: S105  # nosec B105 - a status, not a password
        REVISIT = "REVISIT"
        EXEMPTION = "EXEMPTION"
        MISSING = "MISSING"

    class Source(models.TextChoices):
        INSTALLATION = "INSTALLATION"
        MANUAL = "MANUAL"
        UPLOAD = "UPLOAD"
        CYCLE = "CYCLE"  # a MISSING placeholder written by the cycle sweep

    VALIDATED = (Status.PASS, Status.EXEMPTION)

    # No single-column indexes on the two keys: the composite ones below lead with them, and
    # every index is paid for by each of the 50,000 rows a read cycle's file inserts.
    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="readings",
                              db_index=False)
    account_number = models.CharField(max_length=40, blank=True)
    cycle = models.ForeignKey(ReadCycle, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="readings", db_index=False)
    read_at = models.DateTimeField()
    value = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    previous_value = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    previous_read_at = models.DateTimeField(null=True, blank=True)
    consumption = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    # Which rule decided: negative, rollover, zero, spike, missing, override ("" for a plain pass).
    rule = models.CharField(max_length=12, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices)
    photo = models.CharField(max_length=500, blank=True)  # a reference (URL or storage key)

    class Meta:
        constraints = [
            # One reading of a meter at one instant (a re-sent reading is refused, not doubled).
            models.UniqueConstraint(fields=["tenant_id", "meter", "read_at"],
                                    condition=~models.Q(status="MISSING"), name="uniq_reading_time"),
            # One MISSING placeholder per meter and cycle (the sweep may run twice).
            models.UniqueConstraint(fields=["cycle", "meter"], condition=models.Q(status="MISSING"),
                                    name="uniq_reading_missing_per_cycle"),
        ]
        indexes = [
            # History of a meter, newest first: the spike check's last N validated readings.
            models.Index(fields=["meter", "-read_at"], name="reading_meter_time_idx"),
            models.Index(fields=["cycle", "status"], name="reading_cycle_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.read_at:%Y-%m-%d} {self.status}"


class ReadingOverride(TenantOwned):
    """The audit of a manual decision on a reading: who, when (created_at), why, from → to."""

    reading = models.ForeignKey(Reading, on_delete=models.PROTECT, related_name="overrides")
    previous_status = models.CharField(max_length=10)
    status = models.CharField(max_length=10)
    previous_consumption = models.DecimalField(max_digits=14, decimal_places=3, null=True)
    consumption = models.DecimalField(max_digits=14, decimal_places=3, null=True)
    by = models.CharField(max_length=200)
    reason = models.CharField(max_length=500)

    def __str__(self) -> str:
        return f"{self.reading_id} {self.previous_status}→{self.status} by {self.by}"
