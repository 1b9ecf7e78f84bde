"""The asset registry and the maintenance contracts (AMCs) that cover assets."""

from __future__ import annotations

from django.db import models

from smart360.django.models import TenantOwned


class Asset(TenantOwned):
    class Condition(models.TextChoices):
        GOOD = "GOOD"
        FAIR = "FAIR"
        POOR = "POOR"
        OUT_OF_SERVICE = "OUT_OF_SERVICE"

    tag = models.CharField(max_length=40)  # the plate on the asset, unique per tenant
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=60)  # e.g. pump, transformer, valve
    plant = models.CharField(max_length=120, blank=True)
    zone = models.CharField(max_length=60, blank=True)
    condition = models.CharField(max_length=16, choices=Condition.choices,
                                 default=Condition.GOOD)
    commissioned_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "tag"], name="uniq_asset_tag")]

    def __str__(self) -> str:
        return f"{self.tag} {self.name}"


class MaintenanceContract(TenantOwned):
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="contracts")
    vendor = models.CharField(max_length=200)
    reference = models.CharField(max_length=60)
    starts_on = models.DateField()
    ends_on = models.DateField()  # last day of cover, inclusive
    # The day the expiry reminder was raised; set once, so the reminder is never repeated.
    expiry_flagged_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "reference"],
                                    name="uniq_maintenance_contract_ref"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="maintenance_contract_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["ends_on"], condition=models.Q(expiry_flagged_on__isnull=True),
                         name="contract_unflagged_end_idx")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.vendor} until {self.ends_on}"
