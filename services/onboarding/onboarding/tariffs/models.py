"""Tariffs and their dated versions: a version takes effect on its effective date."""

from __future__ import annotations

from django.db import models

from smart360.django.models import TenantOwned


class Tariff(TenantOwned):
    class Kind(models.TextChoices):
        FLAT = "FLAT"
        SLAB = "SLAB"
        FIXED = "FIXED"
        SEASONAL = "SEASONAL"
        TIME_OF_USE = "TIME_OF_USE"

    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    utility_service = models.CharField(max_length=40)  # e.g. "electricity"
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SLAB)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "code"], name="uniq_tariff_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TariffVersion(TenantOwned):
    class Status(models.TextChoices):
        SCHEDULED = "SCHEDULED"
        ACTIVE = "ACTIVE"
        SUPERSEDED = "SUPERSEDED"

    tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    effective_from = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    # Rate structure as billing reads it, e.g. {"slabs": [{"upto": "300", "rate": "0.08"}, ...],
    # "fixed_charge": "15.00"}. Amounts are strings so they stay exact Decimals.
    rates = models.JSONField(default=dict)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tariff", "number"], name="uniq_tariff_version_number"),
            # Billing must never see two live rate structures for one tariff.
            models.UniqueConstraint(
                fields=["tariff"],
                condition=models.Q(status="ACTIVE"),
                name="one_active_version_per_tariff",
            ),
        ]
        indexes = [
            # The daily activation: scheduled versions by effective date.
            models.Index(
                fields=["effective_from"],
                condition=models.Q(status="SCHEDULED"),
                name="tariffversion_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tariff_id} v{self.number} ({self.status})"
