"""What every service keeps of a tenant's configuration, and its document number sequences."""

from __future__ import annotations

from django.db import models


class TenantProfile(models.Model):
    """A tenant's time zone (its dates, its nightly jobs), currency and date format. onboarding
    owns the organization; every other service projects it from onboarding.organization.*."""

    tenant_id = models.UUIDField(primary_key=True)
    name = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64, default="UTC")
    currency = models.CharField(max_length=3, default="USD")
    date_format = models.CharField(max_length=20, default="YYYY-MM-DD")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.timezone})"


class IdFormat(models.Model):
    """How a tenant numbers one kind of document (onboarding configures, others project)."""

    tenant_id = models.UUIDField()
    entity = models.CharField(max_length=40)
    prefix = models.CharField(max_length=20)
    date_part = models.CharField(max_length=8, blank=True)  # "", YYYY, YYYYMM or YYYYMMDD
    padding = models.PositiveSmallIntegerField(default=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "entity"], name="uniq_id_format"),
        ]

    def __str__(self) -> str:
        return f"{self.entity}: {self.prefix}-{self.date_part}"


class NumberSequence(models.Model):
    """The last number taken per tenant, document kind and date part (`WA-CUST-202409-2847`).

    Taken with one INSERT … ON CONFLICT DO UPDATE … RETURNING, which holds the row lock until
    commit: concurrent takers queue, none gets a duplicate, a rolled-back take leaves no gap.
    """

    tenant_id = models.UUIDField()
    entity = models.CharField(max_length=40)
    period = models.CharField(max_length=8, blank=True)
    last = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "entity", "period"], name="uniq_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.period} #{self.last}"
