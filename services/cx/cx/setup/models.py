"""Projections of onboarding's configuration, keyed by onboarding's ids (`onboarding_id`).

cx refers to these by onboarding's ids everywhere (an application's `area` is onboarding's area
id), so its API speaks the same ids as onboarding's.
"""

from __future__ import annotations

from django.db import models

from smart360.django.models import TenantOwned


class Projected(TenantOwned):
    onboarding_id = models.BigIntegerField()
    name = models.CharField(max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.onboarding_id})"


class UtilityService(Projected):
    code = models.CharField(max_length=40)
    unit = models.CharField(max_length=20)
    metered = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "onboarding_id"],
                                               name="uniq_setup_service")]


class Area(Projected):
    kind = models.CharField(max_length=20)
    parent = models.BigIntegerField(null=True)  # onboarding's id of the parent area
    path = models.CharField(max_length=1000, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "onboarding_id"],
                                               name="uniq_setup_area")]


class Category(Projected):
    utility_service = models.BigIntegerField()
    parent = models.BigIntegerField(null=True)

    class Meta:
        verbose_name_plural = "categories"
        constraints = [models.UniqueConstraint(fields=["tenant_id", "onboarding_id"],
                                               name="uniq_setup_category")]


class Plan(Projected):
    utility_service = models.BigIntegerField()
    category = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "onboarding_id"],
                                               name="uniq_setup_plan")]
