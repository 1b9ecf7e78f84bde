"""Meters (inventory and installation) and the routes a reader walks."""

from __future__ import annotations

from django.db import models

from smart360.django.models import TenantOwned


class Meter(TenantOwned):
    """One physical meter, known by its serial (unique per tenant).

    IN_STOCK → INSTALLED → REMOVED or FAULTY; REMOVED/FAULTY → IN_STOCK (back on the shelf).
    `last_value`/`last_read_at` are the last *validated* reading (the installation reading
    first): the base every new reading's consumption is measured from."""

    class Status(models.TextChoices):
        IN_STOCK = "IN_STOCK"
        INSTALLED = "INSTALLED"
        REMOVED = "REMOVED"
        FAULTY = "FAULTY"

    serial = models.CharField(max_length=64)
    model = models.CharField(max_length=120, blank=True)
    # References into onboarding's configuration (its ids, as strings; never joined).
    utility_service = models.CharField(max_length=40, blank=True)
    area_ref = models.CharField(max_length=60, blank=True)
    # Dial digits: a register rolls over from 10**digits - 1 to 0.
    digits = models.PositiveSmallIntegerField(default=6)
    registers = models.JSONField(default=list, blank=True)  # time-of-use bands, e.g. ["peak"]
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_STOCK)
    account_number = models.CharField(max_length=40, blank=True)
    premise = models.CharField(max_length=300, blank=True)
    installed_at = models.DateTimeField(null=True, blank=True)
    initial_reading = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    last_value = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(max_length=500, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "serial"], name="uniq_meter_serial"),
            models.CheckConstraint(condition=models.Q(digits__gte=1, digits__lte=11),
                                   name="meter_digits_range"),
        ]
        indexes = [
            models.Index(fields=["tenant_id", "account_number"], name="meter_account_idx"),
            # Read cycles: the installed meters of an area and service.
            models.Index(fields=["tenant_id", "area_ref", "utility_service"],
                         condition=models.Q(status="INSTALLED"), name="meter_installed_area_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.serial} ({self.status})"


class Route(TenantOwned):
    """An ordered walk through an area's meters of one service."""

    code = models.CharField(max_length=40)
    name = models.CharField(max_length=120)
    area_ref = models.CharField(max_length=60)
    utility_service = models.CharField(max_length=40)
    reader = models.CharField(max_length=120, blank=True)  # who usually walks it

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "code"], name="uniq_route_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RouteStop(TenantOwned):
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="stops")
    position = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["route", "position"], name="uniq_route_position"),
            models.UniqueConstraint(fields=["route", "meter"], name="uniq_route_meter"),
        ]
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.route_id}#{self.position}"
