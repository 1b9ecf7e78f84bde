"""Work orders for the field force, the technicians who do them, the SOPs they follow, and the
service areas (onboarding's, projected) that give technicians their zones."""

from __future__ import annotations

from django.db import models

from smart360.django.models import TenantOwned


class Kind(models.TextChoices):
    SITE_INSPECTION = "SITE_INSPECTION"
    INSTALLATION = "INSTALLATION"
    DISCONNECTION = "DISCONNECTION"
    RECONNECTION = "RECONNECTION"
    TRANSFER = "TRANSFER"
    METER_REPLACEMENT = "METER_REPLACEMENT"
    PREVENTIVE = "PREVENTIVE"
    REPAIR = "REPAIR"
    INSPECTION = "INSPECTION"


class Priority(models.TextChoices):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    EMERGENCY = "EMERGENCY"


class TechnicianStatus(models.TextChoices):
    ACTIVE = "ACTIVE"
    ON_LEAVE = "ON_LEAVE"
    INACTIVE = "INACTIVE"


class WorkOrderStatus(models.TextChoices):
    CREATED = "CREATED"
    ASSIGNED = "ASSIGNED"
    ACCEPTED = "ACCEPTED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    CLOSED = "CLOSED"
    HOLD = "HOLD"
    REJECTED = "REJECTED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class Area(TenantOwned):
    """onboarding's service area, projected: `lineage` is its id and its ancestors' ids, nearest
    first, so a technician whose zone is a region serves every area below it."""

    onboarding_id = models.BigIntegerField()
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    parent = models.BigIntegerField(null=True)
    path = models.CharField(max_length=1000, blank=True)
    lineage = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "onboarding_id"],
                                               name="uniq_wx_area")]

    def __str__(self) -> str:
        return f"{self.name} ({self.onboarding_id})"


class Technician(TenantOwned):
    Status = TechnicianStatus

    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    skills = models.JSONField(default=list)  # work-order kinds
    zone = models.BigIntegerField()  # onboarding's area id (any level of the hierarchy)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    capacity = models.PositiveIntegerField(default=10)  # open work orders at most

    class Meta:
        indexes = [models.Index(fields=["tenant_id", "zone", "status"], name="technician_zone_idx")]

    def __str__(self) -> str:
        return self.name


class Sop(TenantOwned):
    """The standard operating procedure of one kind of work: copied onto each new work order of
    that kind; its `readings` must be reported when the work passes."""

    kind = models.CharField(max_length=24, choices=Kind.choices)
    name = models.CharField(max_length=200)
    steps = models.JSONField(default=list)
    safety = models.JSONField(default=list)
    materials = models.JSONField(default=list)
    readings = models.JSONField(default=list)

    class Meta:
        verbose_name = "SOP"
        constraints = [models.UniqueConstraint(fields=["tenant_id", "kind"], name="uniq_sop_kind")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"


class WorkOrder(TenantOwned):
    Kind = Kind
    Priority = Priority

    Status = WorkOrderStatus

    class Outcome(models.TextChoices):
        PASS = "pass"  # noqa: S105  # nosec B105 - an outcome, not a password
        FAIL = "fail"

    # Finished one way or another; everything else is open and counts against the SLA: HOLD
    # (the customer is still waiting) and REJECTED too (a technician declined; the work waits
    # for another one).
    FINISHED = (Status.COMPLETED, Status.CLOSED, Status.FAILED, Status.CANCELLED)

    number = models.CharField(max_length=40)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CREATED)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    area = models.BigIntegerField(null=True, blank=True)  # onboarding's area id
    address = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=60, blank=True)  # application / request number, plan …
    request_key = models.CharField(max_length=200, blank=True)  # one order per (non-empty) key
    consumer_id = models.BigIntegerField(null=True, blank=True)
    account_number = models.CharField(max_length=40, blank=True)
    asset_id = models.BigIntegerField(null=True, blank=True)
    technician = models.ForeignKey(Technician, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="work_orders")
    sop = models.JSONField(null=True, blank=True)  # the kind's SOP when the order was created
    due_at = models.DateTimeField()
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=4, choices=Outcome.choices, blank=True)
    notes = models.TextField(blank=True)
    meter_serial = models.CharField(max_length=60, blank=True)
    initial_reading = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    readings = models.JSONField(default=dict)  # {name: decimal string}
    # Technicians who declined this order (ids, oldest first): never assigned it again.
    rejected_by = models.JSONField(default=list)
    rejection_reason = models.TextField(blank=True)  # the latest refusal's

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "number"], name="uniq_work_order_number"),
            models.UniqueConstraint(fields=["tenant_id", "request_key"],
                                    condition=~models.Q(request_key=""),
                                    name="uniq_work_order_request_key"),
        ]
        indexes = [
            # The SLA monitor: open orders past due and not yet flagged.
            models.Index(
                fields=["due_at"],
                condition=models.Q(sla_breached_at__isnull=True)
                & ~models.Q(status__in=["COMPLETED", "CLOSED", "FAILED", "CANCELLED"]),
                name="workorder_sla_open_idx",
            ),
            # The automatic assignment's sweep: work waiting for a technician, oldest due first.
            models.Index(fields=["due_at", "id"],
                         condition=models.Q(status__in=["CREATED", "REJECTED"]),
                         name="workorder_waiting_idx"),
            models.Index(fields=["tenant_id", "source"], name="workorder_source_idx"),
            models.Index(fields=["tenant_id", "status"], name="workorder_status_idx"),
        ]

    @property
    def overdue(self) -> bool:
        return self.sla_breached_at is not None and self.status not in self.FINISHED

    def __str__(self) -> str:
        return f"{self.number} {self.kind} ({self.status})"
