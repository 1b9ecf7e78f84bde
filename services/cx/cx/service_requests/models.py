"""The service catalog, service requests (one catalog service each) and complaints."""

from __future__ import annotations

from django.db import models

from cx.consumers.models import Account, Consumer
from smart360.django.models import TenantOwned


class Priority(models.TextChoices):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    EMERGENCY = "EMERGENCY"


class Status(models.TextChoices):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


DONE = (Status.RESOLVED, Status.CLOSED, Status.CANCELLED)  # the SLA clock has stopped


class CatalogService(TenantOwned):
    """What a consumer can ask for, at what price, answered and resolved within what time."""

    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    response_sla_hours = models.PositiveIntegerField()
    resolution_sla_hours = models.PositiveIntegerField()
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "code"], name="uniq_catalog_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Tracked(TenantOwned):
    """What service requests and complaints share: a number, a status, and the SLA clock."""

    number = models.CharField(max_length=40)
    consumer = models.ForeignKey(Consumer, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    priority = models.CharField(max_length=10, choices=Priority.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    description = models.TextField(blank=True)
    resolution = models.TextField(blank=True)
    response_due_at = models.DateTimeField()
    resolution_due_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    response_breached_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)  # the resolution SLA

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"


def _sla_indexes(prefix: str) -> list[models.Index]:
    """The sweep's two scans: open work past a due time and not yet flagged."""
    open_work = ~models.Q(status__in=DONE)
    return [
        models.Index(fields=["resolution_due_at"], name=f"{prefix}_resolution_sla_idx",
                     condition=models.Q(breached_at__isnull=True) & open_work),
        models.Index(fields=["response_due_at"], name=f"{prefix}_response_sla_idx",
                     condition=models.Q(response_breached_at__isnull=True, responded_at__isnull=True)
                     & open_work),
        models.Index(fields=["tenant_id", "status"], name=f"{prefix}_tenant_status_idx"),
    ]


class ServiceRequest(Tracked):
    service = models.ForeignKey(CatalogService, on_delete=models.PROTECT, related_name="requests")
    price = models.DecimalField(max_digits=12, decimal_places=2)  # the catalog's, when asked

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "number"], name="uniq_sr_number")]
        indexes = _sla_indexes("sr")


class Complaint(Tracked):
    class Category(models.TextChoices):
        BILLING = "BILLING"
        SUPPLY = "SUPPLY"
        METER = "METER"
        SERVICE = "SERVICE"
        OTHER = "OTHER"

    category = models.CharField(max_length=10, choices=Category.choices)
    subject = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "number"],
                                               name="uniq_complaint_number")]
        indexes = _sla_indexes("complaint")
