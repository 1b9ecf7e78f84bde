"""The asset registry: plants → units → assets, their categories and types, where they are (an
onboarding area), their condition over time and their service history."""

from __future__ import annotations

from django.db import models

from smart360.django.models import TenantOwned


class Area(TenantOwned):
    """onboarding.area.created, projected: where a plant or asset stands (onboarding's id)."""

    area_id = models.BigIntegerField()
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    parent_id = models.BigIntegerField(null=True)
    path = models.CharField(max_length=1000, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "area_id"], name="uniq_ax_area")]

    def __str__(self) -> str:
        return self.path or self.name


class Plant(TenantOwned):
    """A site: a treatment plant, a substation, a pumping station."""

    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    area_id = models.BigIntegerField(null=True, blank=True)  # onboarding's area id
    address = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "code"], name="uniq_plant_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Unit(TenantOwned):
    """A part of a plant (a pump house, a filtration line, a transformer bay)."""

    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="units")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "code"], name="uniq_unit_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AssetCategory(TenantOwned):
    """pump, transformer, valve, pipeline …"""

    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)

    class Meta:
        verbose_name_plural = "asset categories"
        constraints = [models.UniqueConstraint(fields=["tenant_id", "code"],
                                               name="uniq_asset_category_code")]

    def __str__(self) -> str:
        return self.code


class AssetType(TenantOwned):
    """A make of a category: "centrifugal pump 50 kW", "11 kV distribution transformer"."""

    category = models.ForeignKey(AssetCategory, on_delete=models.PROTECT, related_name="types")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "code"],
                                               name="uniq_asset_type_code")]

    def __str__(self) -> str:
        return self.code


class Grade(models.TextChoices):
    """Condition grades; the score (1-5) decides the grade, 5 is best."""

    EXCELLENT = "EXCELLENT"
    GOOD = "GOOD"
    FAIR = "FAIR"
    POOR = "POOR"
    CRITICAL = "CRITICAL"


GRADE_OF_SCORE = {5: Grade.EXCELLENT, 4: Grade.GOOD, 3: Grade.FAIR, 2: Grade.POOR, 1: Grade.CRITICAL}


class Asset(TenantOwned):
    class Status(models.TextChoices):
        ACTIVE = "ACTIVE"
        UNDER_MAINTENANCE = "UNDER_MAINTENANCE"
        OUT_OF_SERVICE = "OUT_OF_SERVICE"
        DECOMMISSIONED = "DECOMMISSIONED"

    tag = models.CharField(max_length=40)  # the plate on the asset, unique per tenant
    name = models.CharField(max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assets")
    asset_type = models.ForeignKey(AssetType, on_delete=models.PROTECT, related_name="assets")
    area_id = models.BigIntegerField(null=True, blank=True)  # where it stands (else its plant's)
    manufacturer = models.CharField(max_length=200, blank=True)
    model_number = models.CharField(max_length=100, blank=True)
    serial_number = models.CharField(max_length=100, blank=True)
    commissioned_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # The latest assessment, kept here so lists and KPIs group without a subquery; written only by
    # an assessment newer than the one it holds (assets.services.assessment_create).
    condition = models.CharField(max_length=10, choices=Grade.choices, blank=True)
    condition_score = models.PositiveSmallIntegerField(null=True, blank=True)
    condition_assessed_at = models.DateTimeField(null=True, blank=True)
    # A running counter (hours run, cycles, km) that usage-based maintenance plans watch.
    usage = models.DecimalField(max_digits=14, decimal_places=3, default=0)
    usage_unit = models.CharField(max_length=20, blank=True)
    usage_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "tag"], name="uniq_asset_tag")]
        indexes = [models.Index(fields=["tenant_id", "status"], name="asset_tenant_status_idx"),
                   models.Index(fields=["tenant_id", "condition"], name="asset_tenant_condition_idx")]

    def __str__(self) -> str:
        return f"{self.tag} {self.name}"


class ConditionAssessment(TenantOwned):
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="assessments")
    assessed_at = models.DateTimeField()
    score = models.PositiveSmallIntegerField()  # 1 (critical) … 5 (excellent)
    grade = models.CharField(max_length=10, choices=Grade.choices)
    notes = models.TextField(blank=True)
    assessed_by = models.CharField(max_length=254, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5),
                                              name="assessment_score_1_to_5")]
        indexes = [models.Index(fields=["asset", "-assessed_at"], name="assessment_asset_time_idx")]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.grade} at {self.assessed_at:%Y-%m-%d}"


class ServiceRecord(TenantOwned):
    """Work done on an asset: one row per wx work order (its completion), or entered by hand."""

    class Source(models.TextChoices):
        WORK_ORDER = "WORK_ORDER"
        MANUAL = "MANUAL"

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="service_records")
    source = models.CharField(max_length=12, choices=Source.choices)
    work_order_id = models.BigIntegerField(null=True, blank=True)  # wx's id
    number = models.CharField(max_length=40, blank=True)  # wx's WO-… number
    kind = models.CharField(max_length=40)
    outcome = models.CharField(max_length=10, blank=True)
    request_key = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    readings = models.JSONField(default=dict)
    performed_at = models.DateTimeField()

    class Meta:
        constraints = [
            # A redelivered completion is one record: keyed on wx's work order.
            models.UniqueConstraint(fields=["tenant_id", "work_order_id"],
                                    condition=models.Q(work_order_id__isnull=False),
                                    name="uniq_service_record_work_order"),
        ]
        indexes = [models.Index(fields=["asset", "-performed_at"], name="service_asset_time_idx")]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.kind} {self.performed_at:%Y-%m-%d}"
