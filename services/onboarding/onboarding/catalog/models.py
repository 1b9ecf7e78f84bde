"""What a utility offers: its services, consumer categories, document and contract types, and
the product modules it has switched on."""

from __future__ import annotations

from django.db import models

from smart360.django.models import TenantOwned


class UtilityService(TenantOwned):
    code = models.CharField(max_length=40)  # electricity, water, gas, waste_water …
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=20)  # kWh, m3 …
    metered = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "code"], name="uniq_utility_service_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.unit})"


class Category(TenantOwned):
    """A consumer category of one service; a subcategory has a top-level category as parent."""

    name = models.CharField(max_length=200)
    utility_service = models.ForeignKey(UtilityService, on_delete=models.PROTECT,
                                        related_name="categories")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="subcategories")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "utility_service", "name"],
                                    name="uniq_category_name"),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentType(TenantOwned):
    """A document an applicant may have to provide (identity proof, property deed …)."""

    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    required = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "code"], name="uniq_document_type_code"),
        ]

    def __str__(self) -> str:
        return self.code


class ContractType(TenantOwned):
    """A kind of service contract (permanent, temporary, construction …)."""

    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    term_months = models.PositiveSmallIntegerField(null=True, blank=True)  # None: open-ended

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "code"], name="uniq_contract_type_code"),
        ]

    def __str__(self) -> str:
        return self.code


class EnabledModule(TenantOwned):
    """A product module the utility uses (billing, metering …)."""

    class Module(models.TextChoices):
        CX = "cx", "Consumer experience"
        MX = "mx", "Meter data"
        BX = "bx", "Billing"
        RX = "rx", "Revenue and collections"
        WX = "wx", "Work orders"
        AX = "ax", "Assets"
        NOTIFICATION = "notification", "Notifications"

    module = models.CharField(max_length=20, choices=Module.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "module"], name="uniq_enabled_module"),
        ]

    def __str__(self) -> str:
        return self.module
