"""Bill cycles (schedules), the runs they fire, and the bills, lines and exceptions of a run."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q

from bx.projections.models import Account
from smart360.django.models import TenantOwned


def money(**kwargs: Any) -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def quantity() -> models.DecimalField:
    return models.DecimalField(max_digits=16, decimal_places=3)


class BillSchedule(TenantOwned):
    """A bill cycle: the service it bills, its length, and the day its next run fires."""

    cycle_name = models.CharField(max_length=80)
    utility_service_id = models.BigIntegerField()
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
    """QUEUED → RUNNING → DRAFT → APPROVED → ISSUING → ISSUED (or FAILED).

    RUNNING rates the service's accounts in chunks of account ids; `checkpoint` is the last id
    done, committed with the chunk's bills, so a resumed run continues where it stopped."""

    class Status(models.TextChoices):
        QUEUED = "QUEUED"
        RUNNING = "RUNNING"
        DRAFT = "DRAFT"
        APPROVED = "APPROVED"
        ISSUING = "ISSUING"
        ISSUED = "ISSUED"
        FAILED = "FAILED"

    schedule = models.ForeignKey(BillSchedule, on_delete=models.PROTECT, related_name="runs",
                                 null=True, blank=True)
    utility_service_id = models.BigIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    dry_run = models.BooleanField(default=False)
    # A tariff-change simulation (dry runs only): this plan's accounts rated with this tariff,
    # each bill keeping what the current tariff gives (baseline_total) for the diff.
    proposed_plan_id = models.BigIntegerField(null=True, blank=True)
    proposed_tariff = models.JSONField(null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(default=15)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    accounts = models.PositiveIntegerField(default=0)
    billed = models.PositiveIntegerField(default=0)
    exceptions = models.PositiveIntegerField(default=0)
    total = money(default=0)
    baseline_total = money(null=True, blank=True)
    checkpoint = models.BigIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            # A period is billed once: re-firing a schedule or a crashed beat never doubles a run.
            models.UniqueConstraint(
                fields=["schedule", "period_start"], name="uniq_bill_run_per_schedule_period"
            ),
            # One live (not dry, not failed) run per service and period started by hand; a
            # cycle's runs are unique above. Bills are unique per (account, period) whatever runs.
            models.UniqueConstraint(
                fields=["tenant_id", "utility_service_id", "period_start", "period_end"],
                condition=Q(dry_run=False, schedule__isnull=True) & ~Q(status="FAILED"),
                name="uniq_live_bill_run"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="bill_run_period_ends_after_start",
            ),
        ]
        # The stalled-run sweep: runs in motion whose heartbeat stopped.
        indexes = [models.Index(fields=["heartbeat_at"],
                                condition=Q(status__in=["QUEUED", "RUNNING", "ISSUING"]),
                                name="bill_run_in_motion_idx")]

    def __str__(self) -> str:
        return f"{self.utility_service_id} {self.period_start}..{self.period_end} ({self.status})"


class Bill(TenantOwned):
    class Status(models.TextChoices):
        DRAFT = "DRAFT"
        APPROVED = "APPROVED"
        ISSUED = "ISSUED"
        VOID = "VOID"

    class Kind(models.TextChoices):
        CYCLE = "CYCLE"
        OFF_CYCLE = "OFF_CYCLE"

    run = models.ForeignKey(BillRun, on_delete=models.CASCADE, related_name="bills", null=True,
                            blank=True)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="bills")
    account_number = models.CharField(max_length=40)
    number = models.CharField(max_length=40, blank=True)  # taken when issued: no gaps from drafts
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CYCLE)
    simulated = models.BooleanField(default=False)
    period_start = models.DateField()
    period_end = models.DateField()
    consumption = quantity()
    subtotal = money()
    tax = money()
    total = money()
    baseline_total = money(null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    issued_on = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            # Idempotent per (run, account): a resumed or repeated chunk bills nobody twice.
            models.UniqueConstraint(fields=["run", "account"], name="uniq_bill_per_run_account"),
            # ... and per (account, period) across runs: two runs never bill one period twice.
            models.UniqueConstraint(
                fields=["tenant_id", "account", "period_start"],
                condition=Q(kind="CYCLE", simulated=False) & ~Q(status="VOID"),
                name="uniq_cycle_bill_per_account_period"),
            models.UniqueConstraint(fields=["tenant_id", "number"], condition=~Q(number=""),
                                    name="uniq_bill_number"),
            models.CheckConstraint(condition=Q(total=F("subtotal") + F("tax")),
                                   name="bill_total_is_subtotal_plus_tax"),
        ]
        indexes = [
            models.Index(fields=["tenant_id", "account_number", "id"], name="bill_account_idx"),
            models.Index(fields=["run", "status", "id"], name="bill_run_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number or f"draft {self.pk}"


class BillLine(models.Model):
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=200)
    quantity = quantity()
    rate = models.DecimalField(max_digits=16, decimal_places=6)
    amount = money()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bill", "position"], name="uniq_bill_line")]
        ordering = ["bill", "position"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class BillException(TenantOwned):
    """Why an account of a run was held back (no bill) or flagged (billed, to check)."""

    class Kind(models.TextChoices):
        MISSING_READING = "MISSING_READING"
        NEGATIVE_CONSUMPTION = "NEGATIVE_CONSUMPTION"
        ZERO_CONSUMPTION = "ZERO_CONSUMPTION"
        OUTLIER = "OUTLIER"
        NO_TARIFF = "NO_TARIFF"
        RATING_ERROR = "RATING_ERROR"

    run = models.ForeignKey(BillRun, on_delete=models.CASCADE, related_name="exception_rows")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    account_number = models.CharField(max_length=40)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    billed = models.BooleanField()  # flagged (True) or held back (False)
    detail = models.CharField(max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "account", "kind"],
                                               name="uniq_bill_exception")]

    def __str__(self) -> str:
        return f"{self.account_number}: {self.kind}"
